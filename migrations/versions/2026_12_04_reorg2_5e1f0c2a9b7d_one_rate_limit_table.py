"""one rate-limit table: sign-in attempts and verification counters become rate_limit_hit

Revision ID: 5e1f0c2a9b7d
Revises: 5e55104d7a1c
Create Date: 2026-12-04 19:00:00.000000

Sign-in throttling and the verification limit now share one mechanism (a row per hit, counted
over a sliding window). Sign-in attempts still within their window are carried over; the
verification counters are not (their keys were not hashed), so those limits restart at zero.
"""
import sqlalchemy as sa
from alembic import op

from depomi_learn.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = '5e55104d7a1c'
branch_labels = None
depends_on = None


def _create_hits(name: str) -> None:
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_at'), ['at'], unique=False)
        batch_op.create_index(f'ix_{name}_key_at', ['key', 'at'], unique=False)


def _drop_hits(name: str) -> None:
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.drop_index(f'ix_{name}_key_at')
        batch_op.drop_index(batch_op.f(f'ix_{name}_at'))
    op.drop_table(name)


def upgrade():
    _create_hits('rate_limit_hit')
    op.execute('INSERT INTO rate_limit_hit (key, at) SELECT key, at FROM sign_in_attempt')
    _drop_hits('sign_in_attempt')
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counter_slot'))
    op.drop_table('rate_limit_counter')


def downgrade():
    op.create_table(
        'rate_limit_counter',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('slot', sa.BigInteger(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'slot', name=op.f('pk_rate_limit_counter')),
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counter_slot'), ['slot'], unique=False)
    _create_hits('sign_in_attempt')
    op.execute('INSERT INTO sign_in_attempt (key, at) SELECT key, at FROM rate_limit_hit')
    _drop_hits('rate_limit_hit')
