"""certificate PDFs stored once: certificate_pdf; certificate.pdf_sha256 null until rendered

Revision ID: 5d2c8e41a7b3
Revises: 5e1f0c2a9b7d
Create Date: 2026-12-04 19:00:00.000000

The PDF is rendered after the certificate's transaction and stored, bytes and SHA-256, so that
every download serves the same file. Certificates issued before keep the hash recorded at issue
(their PDF is rendered and stored at the first download or by `flask certificates render-missing`).
"""
from alembic import op
import sqlalchemy as sa

from depomi_learn.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '5d2c8e41a7b3'
down_revision = '5e1f0c2a9b7d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_pdf',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('data_sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('rendered_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['certificate_id'], ['certificate.id'],
            name=op.f('fk_certificate_pdf_certificate_id_certificate'),
        ),
        sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_certificate_pdf')),
    )
    with op.batch_alter_table('certificate_pdf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_pdf_data_sha256'), ['data_sha256'], unique=False)
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('pdf_sha256', existing_type=sa.String(length=64), nullable=True)


def downgrade():
    # Earlier releases need a hash on every certificate: the stored file's, where there is one.
    op.execute(
        "UPDATE certificate SET pdf_sha256 = (SELECT data_sha256 FROM certificate_pdf"
        " WHERE certificate_pdf.certificate_id = certificate.id) WHERE pdf_sha256 IS NULL"
    )
    op.execute("UPDATE certificate SET pdf_sha256 = '' WHERE pdf_sha256 IS NULL")
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('pdf_sha256', existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table('certificate_pdf', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_pdf_data_sha256'))
    op.drop_table('certificate_pdf')
