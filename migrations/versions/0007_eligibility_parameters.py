"""the parameters the eligibility rules added (initiative scopes, CSTDCS alternative rating, BK_BO ratings,
CO_BO cluster rank) for databases loaded before them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 20:20:00

"""
from alembic import op

from awards.catalogue.standard import add_missing_parameters

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    add_missing_parameters(op.get_bind())


def downgrade():
    pass  # the rows are ordinary catalogue data by now; removing them would lose admins' edits
