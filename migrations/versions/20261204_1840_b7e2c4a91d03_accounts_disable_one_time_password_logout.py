"""accounts: disabled_at and has_one_time_password (admins disable accounts and reset passwords),
and revoked_tokens (logout: a token's id refused until it would have expired)

Revision ID: b7e2c4a91d03
Revises: 8871b5b4ff52
Create Date: 2026-12-04 18:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7e2c4a91d03'
down_revision = '8871b5b4ff52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('has_one_time_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        'revoked_tokens',
        sa.Column('jti', sa.String(length=64), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_revoked_tokens_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('jti', name=op.f('pk_revoked_tokens')),
    )
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_tokens_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revoked_tokens_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_tokens_expires_at'))
        batch_op.drop_index(batch_op.f('ix_revoked_tokens_account_id'))
    op.drop_table('revoked_tokens')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('has_one_time_password')
        batch_op.drop_column('disabled_at')
