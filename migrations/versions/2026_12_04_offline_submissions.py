"""offline submissions: items queued on a phone, accepted once per client id

Revision ID: 7f3b9c2d4e10
Revises: 80e040702ecd
Create Date: 2026-12-04 17:40:00

"""
from alembic import op
import sqlalchemy as sa
import depomi_learn.models.types


# revision identifiers, used by Alembic.
revision = '7f3b9c2d4e10'
down_revision = '80e040702ecd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'offline_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('course_id', sa.String(length=63), nullable=False),
        sa.Column('module_key', sa.String(length=63), nullable=False),
        sa.Column('made_at', depomi_learn.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('received_at', depomi_learn.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_offline_submission_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_submission')),
        sa.UniqueConstraint('user_id', 'client_id', name=op.f('uq_offline_submission_user_id_client_id')),
    )
    with op.batch_alter_table('offline_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_submission_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('offline_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_submission_user_id'))
    op.drop_table('offline_submission')
