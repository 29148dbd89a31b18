"""matching: pool change log, daily picks, webhook outbox

Revision ID: 7d9ac0912cac
Revises: 30989d5d6030
Create Date: 2026-11-22 03:09:37.743606
"""
from alembic import op
import sqlalchemy as sa


revision = '7d9ac0912cac'
down_revision = '30989d5d6030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pool_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_changes'))
    )
    with op.batch_alter_table('pool_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_changes_profile_id'), ['profile_id'], unique=False)

    op.create_table('daily_picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('push_date', sa.Date(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['profiles.id'], name=op.f('fk_daily_picks_target_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['profiles.id'], name=op.f('fk_daily_picks_viewer_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_picks')),
    sa.UniqueConstraint('push_date', 'viewer_id', 'target_id', name=op.f('uq_daily_picks_push_date_viewer_id_target_id'))
    )
    with op.batch_alter_table('daily_picks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_picks_push_date'), ['push_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_picks_target_id'), ['target_id'], unique=False)
        batch_op.create_index('ix_daily_picks_viewer_date', ['viewer_id', 'push_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_picks_viewer_id'), ['viewer_id'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=20), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_outbox_messages_notification_id_notifications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('sender', 'notification_id', name=op.f('uq_outbox_messages_sender_notification_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['delivered_at', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox_messages')
    with op.batch_alter_table('daily_picks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_picks_viewer_id'))
        batch_op.drop_index('ix_daily_picks_viewer_date')
        batch_op.drop_index(batch_op.f('ix_daily_picks_target_id'))
        batch_op.drop_index(batch_op.f('ix_daily_picks_push_date'))

    op.drop_table('daily_picks')
    with op.batch_alter_table('pool_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_changes_profile_id'))

    op.drop_table('pool_changes')
