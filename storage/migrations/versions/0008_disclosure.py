"""Disclosure units (政务公开专栏) and their columns.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('disclosure_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=100), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('pages_read', sa.Integer(), nullable=False),
    sa.Column('stopped', sa.String(length=20), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('oldest', sa.Date(), nullable=True),
    sa.Column('updated', sa.Date(), nullable=True),
    sa.Column('updated_where', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_reads'))
    )
    with op.batch_alter_table('disclosure_reads', schema=None) as batch_op:
        batch_op.create_index('ix_disclosure_reads_unit_id_column_id_read_at', ['unit_id', 'column_id', 'read_at'], unique=False)

    op.create_table('disclosure_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=100), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('date_where', sa.Text(), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_read_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['last_read_id'], ['disclosure_reads.id'], name=op.f('fk_disclosure_items_last_read_id_disclosure_reads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_items')),
    sa.UniqueConstraint('unit_id', 'column_id', 'url', name=op.f('uq_disclosure_items_unit_id_column_id_url'))
    )
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.create_index('ix_disclosure_items_unit_id_published', ['unit_id', 'published'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.drop_index('ix_disclosure_items_unit_id_published')

    op.drop_table('disclosure_items')
    with op.batch_alter_table('disclosure_reads', schema=None) as batch_op:
        batch_op.drop_index('ix_disclosure_reads_unit_id_column_id_read_at')

    op.drop_table('disclosure_reads')
