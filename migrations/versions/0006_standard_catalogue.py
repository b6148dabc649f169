"""the standard catalogue: awards, legal bases, dated parameters

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 20:00:00

"""
from alembic import op

from awards.catalogue.standard import load_standard

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    load_standard(op.get_bind())


def downgrade():
    for table in ("parameter", "award", "legal_basis"):
        op.execute(f"DELETE FROM {table}")
