"""Finding lifecycle: one row per (code, site, subject) across runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:05:31.062872
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table('finding_states',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('site_name', sa.Text(), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=True),
    sa.Column('column_name', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence', _JSON, nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_run_id', sa.Integer(), nullable=False),
    sa.Column('last_run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_run_id'], ['runs.id'], name=op.f('fk_finding_states_first_run_id_runs')),
    sa.ForeignKeyConstraint(['last_run_id'], ['runs.id'], name=op.f('fk_finding_states_last_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_finding_states_site_id_sites')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_finding_states'))
    )
    with op.batch_alter_table('finding_states', schema=None) as batch_op:
        batch_op.create_index('ix_finding_states_site_id_resolved_at', ['site_id', 'resolved_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('finding_states', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_states_site_id_resolved_at')

    op.drop_table('finding_states')
