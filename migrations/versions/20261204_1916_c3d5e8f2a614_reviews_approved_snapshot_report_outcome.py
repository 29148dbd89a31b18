"""reviews: profiles.approved_snapshot (the public fields as last approved, so reviewers see what
changed; backfilled for profiles approved now) and the resolution of reports (outcome, note, by)

Revision ID: c3d5e8f2a614
Revises: 5b1e0c7a9d21
Create Date: 2026-12-04 19:10:00
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = 'c3d5e8f2a614'
down_revision = '5b1e0c7a9d21'
branch_labels = None
depends_on = None

#: The publicly shown fields (profiles.service.PUBLIC_FIELDS when this revision was written).
PUBLIC_FIELDS = ("display_name", "gender", "birth_date", "height_cm", "education", "occupation", "city",
                 "hometown", "interests", "intro", "goal")


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


def upgrade():
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_snapshot', sa.JSON(), nullable=True))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Enum('dismissed', 'warned', 'suspended', name='report_outcome',
                                                         native_enum=False, create_constraint=True, length=24),
                                      nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.Integer(), nullable=True))

    # Profiles shown now are as they were approved: that is the snapshot to compare with.
    profiles = sa.table('profiles', sa.column('id', sa.Integer), sa.column('status', sa.String),
                        sa.column('approved_snapshot', sa.JSON), sa.column('birth_date', sa.Date),
                        sa.column('interests', sa.JSON), sa.column('height_cm', sa.Integer),
                        *(sa.column(n, sa.String) for n in PUBLIC_FIELDS
                          if n not in ('birth_date', 'interests', 'height_cm')))
    conn = op.get_bind()
    rows = conn.execute(sa.select(profiles.c.id, *(profiles.c[n] for n in PUBLIC_FIELDS))
                        .where(profiles.c.status.in_(('approved', 'paused')))).all()
    for row in rows:
        snapshot = {n: _json(getattr(row, n)) for n in PUBLIC_FIELDS}
        conn.execute(profiles.update().where(profiles.c.id == row.id).values(approved_snapshot=snapshot))


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reports_report_outcome'), type_='check')
        batch_op.drop_column('resolved_by')
        batch_op.drop_column('resolution_note')
        batch_op.drop_column('outcome')
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('approved_snapshot')
