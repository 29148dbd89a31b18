"""daily picks: drop the reasons column (never written; reasons are worded when read) and the
two single-column indexes that the unique (push_date, viewer_id, target_id) and the
(viewer_id, push_date) indexes already cover: fewer writes per pick in the daily push

Revision ID: 8871b5b4ff52
Revises: dafb8d72ff3c
Create Date: 2026-11-22 07:55:42.037981
"""
import sqlalchemy as sa
from alembic import op

revision = '8871b5b4ff52'
down_revision = 'dafb8d72ff3c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('daily_picks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_picks_push_date'))
        batch_op.drop_index(batch_op.f('ix_daily_picks_viewer_id'))
        batch_op.drop_column('reasons')


def downgrade():
    with op.batch_alter_table('daily_picks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reasons', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.create_index(batch_op.f('ix_daily_picks_viewer_id'), ['viewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_picks_push_date'), ['push_date'], unique=False)
