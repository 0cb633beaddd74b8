"""IPv6 checks: one row per site per check (AAAA record, fetch over IPv6).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table('ipv6_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('host', sa.Text(), nullable=False),
    sa.Column('addresses', _JSON, nullable=False),
    sa.Column('aaaa', sa.Boolean(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_ipv6_checks_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ipv6_checks'))
    )
    with op.batch_alter_table('ipv6_checks', schema=None) as batch_op:
        batch_op.create_index('ix_ipv6_checks_site_id_checked_at', ['site_id', 'checked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ipv6_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_ipv6_checks_site_id_checked_at')

    op.drop_table('ipv6_checks')
