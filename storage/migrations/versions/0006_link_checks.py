"""Link and image checks: one row per URL checked in a run.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('link_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=True),
    sa.Column('page_url', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('external', sa.Boolean(), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_link_checks_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_link_checks_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_checks'))
    )
    with op.batch_alter_table('link_checks', schema=None) as batch_op:
        batch_op.create_index('ix_link_checks_run_id_site_id', ['run_id', 'site_id'], unique=False)
        batch_op.create_index(
            'ix_link_checks_site_id_checked_at', ['site_id', 'checked_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('link_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_link_checks_site_id_checked_at')
        batch_op.drop_index('ix_link_checks_run_id_site_id')

    op.drop_table('link_checks')
