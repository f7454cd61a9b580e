"""profile fields (sex, institution type, post category) and profile change requests

Revision ID: b16d1fe60123
Revises: 2e598877bbd8
Create Date: 2026-12-04 17:25:11.400357

"""

from alembic import op
import sqlalchemy as sa
import depomi_learn.models.types


# revision identifiers, used by Alembic.
revision = "b16d1fe60123"
down_revision = "2e598877bbd8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "profile_change_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", depomi_learn.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("institution_name", sa.String(length=200), nullable=False),
        sa.Column("institution_type", sa.String(length=32), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "decided_at", depomi_learn.models.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_profile_change_request_decided_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["province_id"],
            ["province.id"],
            name=op.f("fk_profile_change_request_province_id_province"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_profile_change_request_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_profile_change_request_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_change_request")),
    )
    with op.batch_alter_table("profile_change_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_profile_change_request_status_region", ["status", "region_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_profile_change_request_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            "uq_profile_change_request_pending",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sex", sa.String(length=16), server_default="not_stated", nullable=False)
        )
        batch_op.add_column(sa.Column("institution_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("post_category", sa.String(length=32), nullable=True))


def downgrade():
    # recreate="never": SQLite (3.35+) drops the columns in place; copying the user table
    # would trip the foreign keys that point at it on a populated database.
    with op.batch_alter_table("user", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("post_category")
        batch_op.drop_column("institution_type")
        batch_op.drop_column("sex")

    with op.batch_alter_table("profile_change_request", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_profile_change_request_pending",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_profile_change_request_user_id"))
        batch_op.drop_index("ix_profile_change_request_status_region")

    op.drop_table("profile_change_request")
