"""photos: profile photos (pending, approved, rejected) and the photo storage's bytes

Revision ID: 206cdb1400ac
Revises: 5f1c2a9e7b41
Create Date: 2026-12-04 18:30:43.044128
"""
from alembic import op
import sqlalchemy as sa


revision = '206cdb1400ac'
down_revision = '5f1c2a9e7b41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('photo_blobs',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_photo_blobs'))
    )
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=48), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='photo_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=24), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('thumb_digest', sa.String(length=64), nullable=False),
    sa.Column('dhash', sa.BigInteger(), nullable=False),
    sa.Column('hash_band0', sa.Integer(), nullable=False),
    sa.Column('hash_band1', sa.Integer(), nullable=False),
    sa.Column('hash_band2', sa.Integer(), nullable=False),
    sa.Column('hash_band3', sa.Integer(), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'pending' OR reviewed_at IS NOT NULL", name=op.f('ck_photos_decided_reviewed')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_photos_position_nonnegative')),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_photos_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('key', name=op.f('uq_photos_key'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_hash_band0'), ['hash_band0'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_hash_band1'), ['hash_band1'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_hash_band2'), ['hash_band2'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_hash_band3'), ['hash_band3'], unique=False)
        batch_op.create_index('ix_photos_profile_status_position', ['profile_id', 'status', 'position'], unique=False)



def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index('ix_photos_profile_status_position')
        batch_op.drop_index(batch_op.f('ix_photos_hash_band3'))
        batch_op.drop_index(batch_op.f('ix_photos_hash_band2'))
        batch_op.drop_index(batch_op.f('ix_photos_hash_band1'))
        batch_op.drop_index(batch_op.f('ix_photos_hash_band0'))

    op.drop_table('photos')
    op.drop_table('photo_blobs')
