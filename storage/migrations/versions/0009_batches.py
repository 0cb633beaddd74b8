"""Batches: the nightly crawl of the distributed mode, one job per site, and its runs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 00:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('sites', sa.Integer(), nullable=False),
    sa.Column('accounts', sa.Integer(), nullable=False),
    sa.Column('jobs', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batches'))
    )
    op.create_table('batch_runs',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_batch_runs_batch_id_batches')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_batch_runs_run_id_runs')),
    sa.PrimaryKeyConstraint('run_id', name=op.f('pk_batch_runs'))
    )
    with op.batch_alter_table('batch_runs', schema=None) as batch_op:
        batch_op.create_index('ix_batch_runs_batch_id', ['batch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('batch_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_runs_batch_id')
    op.drop_table('batch_runs')
    op.drop_table('batches')
