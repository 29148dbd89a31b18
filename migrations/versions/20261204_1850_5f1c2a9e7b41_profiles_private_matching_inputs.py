"""profiles: three optional, private matching inputs (how often one goes out with friends, what
matters in a partner, how one's friends describe one); nullable, so existing rows need no backfill

Revision ID: 5f1c2a9e7b41
Revises: b7e2c4a91d03
Create Date: 2026-12-04 18:50:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '5f1c2a9e7b41'
down_revision = 'b7e2c4a91d03'
branch_labels = None
depends_on = None

_FREQUENCIES = ('several_per_week', 'twice_a_week', 'weekly', 'twice_a_month', 'monthly',
                'several_per_year', 'almost_never')


def upgrade():
    # SQLite rebuilds the table for the CHECK constraint: keep its AUTOINCREMENT (ids of erased
    # profiles are never handed out again)
    with op.batch_alter_table('profiles', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('social_frequency',
                                      sa.Enum(*_FREQUENCIES, name='social_frequency', native_enum=False,
                                              create_constraint=True, length=24),
                                      nullable=True))
        batch_op.add_column(sa.Column('partner_values', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('friends_say', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('profiles', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        if op.get_bind().dialect.name == 'sqlite':
            # the rebuilt table would keep the column's CHECK otherwise (PostgreSQL drops it
            # with the column)
            batch_op.drop_constraint(op.f('ck_profiles_social_frequency'), type_='check')
        batch_op.drop_column('friends_say')
        batch_op.drop_column('partner_values')
        batch_op.drop_column('social_frequency')
