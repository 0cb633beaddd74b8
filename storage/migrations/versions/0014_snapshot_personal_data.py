"""Snapshots keep the personal numbers their page showed, masked only.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:14:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('snapshots') as batch:
        batch.add_column(sa.Column('personal_data', _JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('snapshots') as batch:
        batch.drop_column('personal_data')
