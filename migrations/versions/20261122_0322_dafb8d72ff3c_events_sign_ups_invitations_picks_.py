"""events: sign-ups, invitations, picks, follow-ups

Revision ID: dafb8d72ff3c
Revises: 7d9ac0912cac
Create Date: 2026-11-22 03:22:24.369677
"""
from alembic import op
import sqlalchemy as sa


revision = 'dafb8d72ff3c'
down_revision = '7d9ac0912cac'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signup_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('quota_male', sa.Integer(), nullable=True),
    sa.Column('quota_female', sa.Integer(), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('published', 'cancelled', name='event_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name=op.f('ck_events_cancelled_when')),
    sa.CheckConstraint('(quota_male IS NULL OR quota_male >= 0) AND (quota_female IS NULL OR quota_female >= 0)', name=op.f('ck_events_quota_not_negative')),
    sa.CheckConstraint('COALESCE(quota_male, 0) + COALESCE(quota_female, 0) <= capacity', name=op.f('ck_events_quota_in_capacity')),
    sa.CheckConstraint('age_min IS NULL OR age_max IS NULL OR age_min <= age_max', name=op.f('ck_events_age_order')),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_events_capacity_positive')),
    sa.CheckConstraint('signup_deadline <= starts_at AND starts_at < ends_at', name=op.f('ck_events_time_order')),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_events_created_by_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_created_by'), ['created_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_status'), ['status'], unique=False)

    op.create_table('event_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', name='invitation_gender', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'expired', 'cancelled', name='invitation_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invited_by', sa.Integer(), nullable=True),
    sa.Column('backfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'pending') = (responded_at IS NULL)", name=op.f('ck_event_invitations_responded_when')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_invitations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by'], ['accounts.id'], name=op.f('fk_event_invitations_invited_by_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_event_invitations_profile_id_profiles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_invitations')),
    sa.UniqueConstraint('event_id', 'profile_id', name=op.f('uq_event_invitations_event_id_profile_id'))
    )
    with op.batch_alter_table('event_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_invitations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_invitations_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_invitations_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_invitations_status'), ['status'], unique=False)

    op.create_table('event_selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('chooser_id', sa.Integer(), nullable=False),
    sa.Column('chosen_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('chooser_id != chosen_id', name=op.f('ck_event_selections_not_self')),
    sa.ForeignKeyConstraint(['chooser_id'], ['profiles.id'], name=op.f('fk_event_selections_chooser_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chosen_id'], ['profiles.id'], name=op.f('fk_event_selections_chosen_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_selections_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_selections')),
    sa.UniqueConstraint('event_id', 'chooser_id', 'chosen_id', name=op.f('uq_event_selections_event_id_chooser_id_chosen_id'))
    )
    with op.batch_alter_table('event_selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_selections_chooser_id'), ['chooser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_selections_chosen_id'), ['chosen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_selections_event_id'), ['event_id'], unique=False)

    op.create_table('event_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', name='signup_gender', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='signup_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name=op.f('ck_event_signups_cancelled_when')),
    sa.CheckConstraint("checked_in_at IS NULL OR status = 'confirmed'", name=op.f('ck_event_signups_checked_in_confirmed')),
    sa.CheckConstraint("status != 'confirmed' OR confirmed_at IS NOT NULL", name=op.f('ck_event_signups_confirmed_when')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_signups_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_event_signups_profile_id_profiles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_signups')),
    sa.UniqueConstraint('event_id', 'profile_id', name=op.f('uq_event_signups_event_id_profile_id'))
    )
    with op.batch_alter_table('event_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_signups_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_signups_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index('ix_event_signups_queue', ['event_id', 'status', 'gender', 'queued_at'], unique=False)

    op.create_table('event_units',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_units_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_event_units_org_unit_id_org_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('event_id', 'org_unit_id', name=op.f('pk_event_units'))
    )
    with op.batch_alter_table('event_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_units_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('match_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('met', sa.Boolean(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(met IS NULL) = (answered_at IS NULL)', name=op.f('ck_match_followups_answered_when')),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], name=op.f('fk_match_followups_match_id_matches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_match_followups_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_followups')),
    sa.UniqueConstraint('match_id', 'profile_id', name=op.f('uq_match_followups_match_id_profile_id'))
    )
    with op.batch_alter_table('match_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_followups_match_id'), ['match_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_followups_profile_id'), ['profile_id'], unique=False)



def downgrade():
    with op.batch_alter_table('match_followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_followups_profile_id'))
        batch_op.drop_index(batch_op.f('ix_match_followups_match_id'))

    op.drop_table('match_followups')
    with op.batch_alter_table('event_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_units_org_unit_id'))

    op.drop_table('event_units')
    with op.batch_alter_table('event_signups', schema=None) as batch_op:
        batch_op.drop_index('ix_event_signups_queue')
        batch_op.drop_index(batch_op.f('ix_event_signups_profile_id'))
        batch_op.drop_index(batch_op.f('ix_event_signups_event_id'))

    op.drop_table('event_signups')
    with op.batch_alter_table('event_selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_selections_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_selections_chosen_id'))
        batch_op.drop_index(batch_op.f('ix_event_selections_chooser_id'))

    op.drop_table('event_selections')
    with op.batch_alter_table('event_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_invitations_status'))
        batch_op.drop_index(batch_op.f('ix_event_invitations_profile_id'))
        batch_op.drop_index(batch_op.f('ix_event_invitations_expires_at'))
        batch_op.drop_index(batch_op.f('ix_event_invitations_event_id'))

    op.drop_table('event_invitations')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_status'))
        batch_op.drop_index(batch_op.f('ix_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_events_created_by'))

    op.drop_table('events')
