"""encrypted TOTP secrets: widen user.totp_secret for "v1:" + a Fernet token

Revision ID: 2e598877bbd8
Revises: c48d54f415c7
Create Date: 2026-11-29 12:00:00.000000

Existing clear-text secrets stay readable and are encrypted at their next successful use.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2e598877bbd8'
down_revision = 'c48d54f415c7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255), existing_nullable=True)


def downgrade():
    # Encrypted secrets do not fit 64 characters: those enrolments are removed, not truncated.
    op.execute(sa.text("UPDATE \"user\" SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_counter = NULL WHERE length(totp_secret) > 64"))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64), existing_nullable=True)
