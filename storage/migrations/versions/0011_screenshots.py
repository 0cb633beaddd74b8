"""Screenshots: the picture of a page that carried a finding, at the time of the check.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:11:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('screenshot_images',
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('first_stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('content_hash', name=op.f('pk_screenshot_images'))
    )
    op.create_table('screenshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=100), nullable=False),
    sa.Column('column_id', sa.String(length=100), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_screenshots_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_screenshots_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screenshots'))
    )
    with op.batch_alter_table('screenshots', schema=None) as batch_op:
        batch_op.create_index('ix_screenshots_content_hash', ['content_hash'], unique=False)
        batch_op.create_index(
            'ix_screenshots_site_id_column_id_taken_at',
            ['site_id', 'column_id', 'taken_at'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('screenshots', schema=None) as batch_op:
        batch_op.drop_index('ix_screenshots_site_id_column_id_taken_at')
        batch_op.drop_index('ix_screenshots_content_hash')
    op.drop_table('screenshots')
    op.drop_table('screenshot_images')
