"""interactions: likes, passes, matches, blocks, reports

Revision ID: 30989d5d6030
Revises: 0fcdaf75d273
Create Date: 2026-11-22 03:08:10.470238
"""
from alembic import op
import sqlalchemy as sa


revision = '30989d5d6030'
down_revision = '0fcdaf75d273'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('actor_id != target_id', name=op.f('ck_blocks_not_self')),
    sa.ForeignKeyConstraint(['actor_id'], ['profiles.id'], name=op.f('fk_blocks_actor_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['profiles.id'], name=op.f('fk_blocks_target_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocks')),
    sa.UniqueConstraint('actor_id', 'target_id', name=op.f('uq_blocks_actor_id_target_id'))
    )
    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blocks_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_blocks_target_id'), ['target_id'], unique=False)

    op.create_table('likes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('actor_id != target_id', name=op.f('ck_likes_not_self')),
    sa.ForeignKeyConstraint(['actor_id'], ['profiles.id'], name=op.f('fk_likes_actor_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['profiles.id'], name=op.f('fk_likes_target_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_likes')),
    sa.UniqueConstraint('actor_id', 'target_id', name=op.f('uq_likes_actor_id_target_id'))
    )
    with op.batch_alter_table('likes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_likes_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_likes_target_id'), ['target_id'], unique=False)

    op.create_table('matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('low_id', sa.Integer(), nullable=False),
    sa.Column('high_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('like', 'event', name='match_source', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('low_id < high_id', name=op.f('ck_matches_ordered_pair')),
    sa.ForeignKeyConstraint(['high_id'], ['profiles.id'], name=op.f('fk_matches_high_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['low_id'], ['profiles.id'], name=op.f('fk_matches_low_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matches')),
    sa.UniqueConstraint('low_id', 'high_id', name=op.f('uq_matches_low_id_high_id'))
    )
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matches_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matches_high_id'), ['high_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matches_low_id'), ['low_id'], unique=False)

    op.create_table('passes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('actor_id != target_id', name=op.f('ck_passes_not_self')),
    sa.ForeignKeyConstraint(['actor_id'], ['profiles.id'], name=op.f('fk_passes_actor_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['profiles.id'], name=op.f('fk_passes_target_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passes')),
    sa.UniqueConstraint('actor_id', 'target_id', name=op.f('uq_passes_actor_id_target_id'))
    )
    with op.batch_alter_table('passes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passes_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passes_target_id'), ['target_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.Enum('open', 'resolved', name='report_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_reports_profile_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['profiles.id'], name=op.f('fk_reports_reporter_id_profiles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_status'))
        batch_op.drop_index(batch_op.f('ix_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_reports_profile_id'))

    op.drop_table('reports')
    with op.batch_alter_table('passes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passes_target_id'))
        batch_op.drop_index(batch_op.f('ix_passes_actor_id'))

    op.drop_table('passes')
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matches_low_id'))
        batch_op.drop_index(batch_op.f('ix_matches_high_id'))
        batch_op.drop_index(batch_op.f('ix_matches_event_id'))

    op.drop_table('matches')
    with op.batch_alter_table('likes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_likes_target_id'))
        batch_op.drop_index(batch_op.f('ix_likes_actor_id'))

    op.drop_table('likes')
    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blocks_target_id'))
        batch_op.drop_index(batch_op.f('ix_blocks_actor_id'))

    op.drop_table('blocks')
