"""New-media accounts: the accounts, each fetch of their sources, and their posts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 22:27:50.251357
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('source_url', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts'))
    )
    op.create_table('account_fetches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=100), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('elapsed_s', sa.Float(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_fetches_account_id_accounts')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_account_fetches_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_fetches'))
    )
    with op.batch_alter_table('account_fetches', schema=None) as batch_op:
        batch_op.create_index('ix_account_fetches_account_id_fetched_at', ['account_id', 'fetched_at'], unique=False)
        batch_op.create_index('ix_account_fetches_run_id', ['run_id'], unique=False)

    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=100), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('published', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_repost', sa.Boolean(), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_fetch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_posts_account_id_accounts')),
    sa.ForeignKeyConstraint(['last_fetch_id'], ['account_fetches.id'], name=op.f('fk_posts_last_fetch_id_account_fetches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('account_id', 'key', name=op.f('uq_posts_account_id_key'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_account_id_published', ['account_id', 'published'], unique=False)
        batch_op.create_index('ix_posts_last_fetch_id', ['last_fetch_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_last_fetch_id')
        batch_op.drop_index('ix_posts_account_id_published')

    op.drop_table('posts')
    with op.batch_alter_table('account_fetches', schema=None) as batch_op:
        batch_op.drop_index('ix_account_fetches_run_id')
        batch_op.drop_index('ix_account_fetches_account_id_fetched_at')

    op.drop_table('account_fetches')
    op.drop_table('accounts')
