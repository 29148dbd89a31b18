"""job runs: when each command-line job (push-daily) last finished, how long it took and how much
it did, for GET /metrics

Revision ID: 5b1e0c7a9d21
Revises: 206cdb1400ac
Create Date: 2026-12-04 18:50:00
"""
import sqlalchemy as sa
from alembic import op


revision = '5b1e0c7a9d21'
down_revision = '206cdb1400ac'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('duration_seconds', sa.Float(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_name_finished_at', ['name', 'finished_at'], unique=False)


def downgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_name_finished_at')
    op.drop_table('job_runs')
