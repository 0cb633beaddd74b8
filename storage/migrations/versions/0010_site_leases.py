"""Site leases: one run crawls a site at a time.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('site_leases',
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_site_leases_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_leases_site_id_sites')),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_site_leases'))
    )
    with op.batch_alter_table('site_leases', schema=None) as batch_op:
        batch_op.create_index('ix_site_leases_run_id', ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('site_leases', schema=None) as batch_op:
        batch_op.drop_index('ix_site_leases_run_id')
    op.drop_table('site_leases')
