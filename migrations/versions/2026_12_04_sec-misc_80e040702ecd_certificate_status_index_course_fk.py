"""certificate status list index; the missing foreign key of course.current_version_id

Revision ID: 80e040702ecd
Revises: b16d1fe60123
Create Date: 2026-12-04 17:40:00.000000

Each certificate gets a stable position in the issuer's revocation status list (its id, for
existing rows). The first revision declared course.current_version_id's foreign key with
use_alter, which op.create_table leaves out on PostgreSQL: it is added here where missing, with the
name the naming convention gives it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '80e040702ecd'
down_revision = 'b16d1fe60123'
branch_labels = None
depends_on = None

COURSE_FK = 'fk_course_current_version_id_course_version'


def _course_fk_missing() -> bool:
    foreign_keys = sa.inspect(op.get_bind()).get_foreign_keys('course')
    return not any(fk['constrained_columns'] == ['current_version_id'] for fk in foreign_keys)


def upgrade():
    if op.get_bind().dialect.name != 'sqlite' and _course_fk_missing():
        op.create_foreign_key(COURSE_FK, 'course', 'course_version', ['current_version_id'], ['id'])
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
    op.execute(sa.text('UPDATE certificate SET status_index = id'))
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_status_index'), ['status_index'])


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificate_status_index'), type_='unique')
        batch_op.drop_column('status_index')
    if op.get_bind().dialect.name != 'sqlite' and not _course_fk_missing():
        op.drop_constraint(COURSE_FK, 'course', type_='foreignkey')
