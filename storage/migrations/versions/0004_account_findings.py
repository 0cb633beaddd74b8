"""Account findings: findings and their lifecycle may belong to a new-media account.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:32:28.082826
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('finding_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.String(length=100), nullable=True))
        batch_op.alter_column('site_id',
               existing_type=sa.VARCHAR(length=100),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_finding_states_account_id_accounts'), 'accounts', ['account_id'], ['id'])

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.String(length=100), nullable=True))
        batch_op.alter_column('site_id',
               existing_type=sa.VARCHAR(length=100),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_findings_account_id_accounts'), 'accounts', ['account_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_findings_account_id_accounts'), type_='foreignkey')
        batch_op.alter_column('site_id',
               existing_type=sa.VARCHAR(length=100),
               nullable=False)
        batch_op.drop_column('account_id')

    with op.batch_alter_table('finding_states', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_finding_states_account_id_accounts'), type_='foreignkey')
        batch_op.alter_column('site_id',
               existing_type=sa.VARCHAR(length=100),
               nullable=False)
        batch_op.drop_column('account_id')

