"""people sort by given name in Vietnamese order

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:59:41.814362

"""
from alembic import op
import sqlalchemy as sa

from awards.core.formatting import name_sort_key  # pure function, no app needed


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SORT_NAME = sa.String(length=400).with_variant(sa.String(length=400, collation='C'), 'postgresql')


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', SORT_NAME, nullable=True))

    # Existing people get their key from their name, as Person's validator does for new ones.
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                      sa.column('sort_name', sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(person.c.id, person.c.full_name)).all():
        connection.execute(person.update().where(person.c.id == row.id).values(sort_name=name_sort_key(row.full_name)))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('sort_name', existing_type=SORT_NAME, nullable=False)
        batch_op.create_index(batch_op.f('ix_person_sort_name'), ['sort_name'], unique=False)


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_sort_name'))
        batch_op.drop_column('sort_name')
