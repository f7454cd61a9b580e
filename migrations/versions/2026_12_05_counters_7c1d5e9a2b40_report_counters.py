"""report_counter: the coordinator dashboard's sums, filled from the existing rows

Revision ID: 7c1d5e9a2b40
Revises: 7a3c9e1f5b20
Create Date: 2026-12-05 08:00:00.000000

From here on every change to learners, enrolments and certificates keeps the counters in its own
transaction; `flask reports check` compares them with the live rows and `--repair` refills them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d5e9a2b40'
down_revision = '7a3c9e1f5b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_counter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('dimension', sa.String(length=16), nullable=False),
        sa.Column('value', sa.String(length=130), nullable=False),
        sa.Column('course_id', sa.String(length=63), nullable=False),
        sa.Column('due', sa.String(length=32), nullable=False),
        sa.Column('learners', sa.Integer(), nullable=False),
        sa.Column('enrolled', sa.Integer(), nullable=False),
        sa.Column('started', sa.Integer(), nullable=False),
        sa.Column('completed', sa.Integer(), nullable=False),
        sa.Column('certified', sa.Integer(), nullable=False),
        sa.Column('score_sum', sa.Float(), nullable=False),
        sa.Column('score_n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_counter')),
        sa.UniqueConstraint(
            'region_id', 'dimension', 'value', 'course_id', 'due', name='uq_report_counter_key'
        ),
    )
    # The same computation as `flask reports check --repair`, so the two always agree.
    from depomi_learn.reports.counters import live_counts, replace_all

    connection = op.get_bind()
    replace_all(connection, live_counts(connection))


def downgrade():
    op.drop_table('report_counter')
