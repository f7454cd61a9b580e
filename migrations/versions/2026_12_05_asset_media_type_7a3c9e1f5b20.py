"""course_asset.media_type holds the longest office media types (DOCX is 71 characters)

Revision ID: 7a3c9e1f5b20
Revises: 5d2c8e41a7b3
Create Date: 2026-12-05 08:30:00.000000

A bundled course ships an XLSX template, whose media type is 65 characters: SQLite stored it,
PostgreSQL refused the whole import. The column widens to 255; going down truncates nothing
that fits, and refuses (on PostgreSQL) if a longer value is stored.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7a3c9e1f5b20'
down_revision = '5d2c8e41a7b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('course_asset') as batch_op:
        batch_op.alter_column(
            'media_type', existing_type=sa.String(length=64), type_=sa.String(length=255)
        )


def downgrade() -> None:
    with op.batch_alter_table('course_asset') as batch_op:
        batch_op.alter_column(
            'media_type', existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
