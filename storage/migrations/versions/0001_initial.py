"""Initial schema: targets, runs, snapshots, bodies, items, findings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 21:28:04.740568
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table('bodies',
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('first_stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('content_hash', name=op.f('pk_bodies'))
    )
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('hostname', sa.Text(), nullable=True),
    sa.Column('stats', _JSON, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index('ix_runs_status_started_at', ['status', 'started_at'], unique=False)

    op.create_table('sites',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('homepage', sa.Text(), nullable=False),
    sa.Column('site_code', sa.String(length=40), nullable=True),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    op.create_table('columns',
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('max_age_days', sa.Integer(), nullable=True),
    sa.Column('selector', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_columns_site_id_sites')),
    sa.PrimaryKeyConstraint('site_id', 'column_id', name=op.f('pk_columns'))
    )
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('site_name', sa.Text(), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=True),
    sa.Column('column_name', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence', _JSON, nullable=False),
    sa.Column('extra', _JSON, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_findings_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_findings_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_run_id', ['run_id'], unique=False)
        batch_op.create_index('ix_findings_site_id_created_at', ['site_id', 'created_at'], unique=False)

    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('elapsed_s', sa.Float(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('bytes_read', sa.BigInteger(), nullable=False),
    sa.Column('encoding', sa.String(length=40), nullable=True),
    sa.Column('content_type', sa.Text(), nullable=True),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('page_kind', sa.String(length=40), nullable=True),
    sa.Column('list_found', sa.Boolean(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('meta', _JSON, nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_snapshots_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id', 'column_id'], ['columns.site_id', 'columns.column_id'], name=op.f('fk_snapshots_site_id_column_id_columns')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_snapshots_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots'))
    )
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_snapshots_content_hash_fetched_at', ['content_hash', 'fetched_at'], unique=False)
        batch_op.create_index('ix_snapshots_run_id_site_id_column_id', ['run_id', 'site_id', 'column_id'], unique=False)
        batch_op.create_index('ix_snapshots_site_id_column_id_id', ['site_id', 'column_id', 'id'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('date_where', sa.Text(), nullable=True),
    sa.Column('date_text', sa.Text(), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_snapshot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['last_snapshot_id'], ['snapshots.id'], name=op.f('fk_items_last_snapshot_id_snapshots')),
    sa.ForeignKeyConstraint(['site_id', 'column_id'], ['columns.site_id', 'columns.column_id'], name=op.f('fk_items_site_id_column_id_columns')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_items_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('site_id', 'column_id', 'url', name=op.f('uq_items_site_id_column_id_url'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_last_snapshot_id', ['last_snapshot_id'], unique=False)
        batch_op.create_index('uq_items_homepage_site_id_url', ['site_id', 'url'], unique=True, sqlite_where=sa.text('column_id IS NULL'), postgresql_where=sa.text('column_id IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('uq_items_homepage_site_id_url', sqlite_where=sa.text('column_id IS NULL'), postgresql_where=sa.text('column_id IS NULL'))
        batch_op.drop_index('ix_items_last_snapshot_id')

    op.drop_table('items')
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_snapshots_site_id_column_id_id')
        batch_op.drop_index('ix_snapshots_run_id_site_id_column_id')
        batch_op.drop_index('ix_snapshots_content_hash_fetched_at')

    op.drop_table('snapshots')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_site_id_created_at')
        batch_op.drop_index('ix_findings_run_id')

    op.drop_table('findings')
    op.drop_table('columns')
    op.drop_table('sites')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index('ix_runs_status_started_at')

    op.drop_table('runs')
    op.drop_table('bodies')
