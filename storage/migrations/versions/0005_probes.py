"""Availability probes: one row per homepage probe, failed or not.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 22:48:08.477103
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('probes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('probed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('latency_s', sa.Float(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_probes_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_probes'))
    )
    with op.batch_alter_table('probes', schema=None) as batch_op:
        batch_op.create_index('ix_probes_site_id_probed_at', ['site_id', 'probed_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('probes', schema=None) as batch_op:
        batch_op.drop_index('ix_probes_site_id_probed_at')

    op.drop_table('probes')
