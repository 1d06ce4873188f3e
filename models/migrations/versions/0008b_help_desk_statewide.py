"""help desk at statewide volume: when each case's service level is due and the console's
indexes, practicing-provider imports recognised by content, the seeded knowledge base

Revision ID: 0008b
Revises: 0007g
Create Date: 2026-11-30 08:15:17.207910
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008b'
down_revision: str | None = '0008a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('help_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('related_case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(length=600),
                                      nullable=False, server_default=''))
        batch_op.create_index('ix_help_case_search', ['search_text', 'status', 'team',
                                                      'sla_due_at', 'created_at'], unique=False)
        batch_op.create_index('ix_help_case_status_team', ['status', 'team'], unique=False)
        batch_op.create_index('ix_help_case_category_status_due',
                              ['category', 'status', 'sla_due_at', 'id'], unique=False)
        batch_op.create_foreign_key('fk_help_case_related_case_id', 'help_case',
                                    ['related_case_id'], ['id'])
        batch_op.create_index('ix_help_case_status_created', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_help_case_status_due', ['status', 'sla_due_at', 'id'], unique=False)
        batch_op.create_index('ix_help_case_team_status_due', ['team', 'status', 'sla_due_at', 'id'], unique=False)

    op.execute("UPDATE help_case SET search_text = lower(substr(subject || ' | ' || "
               "requester_name || ' | ' || coalesce(requester_email, ''), 1, 600))")

    with op.batch_alter_table('provider_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_provider_import_location_file', ['location_id', 'file_sha256'])

    seed_knowledge_base()



def downgrade() -> None:
    with op.batch_alter_table('provider_import', schema=None) as batch_op:
        batch_op.drop_constraint('uq_provider_import_location_file', type_='unique')
        batch_op.drop_column('file_sha256')

    with op.batch_alter_table('help_case', schema=None) as batch_op:
        batch_op.drop_index('ix_help_case_team_status_due')
        batch_op.drop_index('ix_help_case_status_due')
        batch_op.drop_index('ix_help_case_status_created')
        batch_op.drop_constraint('fk_help_case_related_case_id', type_='foreignkey')
        batch_op.drop_index('ix_help_case_category_status_due')
        batch_op.drop_index('ix_help_case_status_team')
        batch_op.drop_index('ix_help_case_search')
        batch_op.drop_column('search_text')
        batch_op.drop_column('related_case_id')
        batch_op.drop_column('sla_due_at')



def seed_knowledge_base() -> None:
    """The starting articles (models/kb_seed.py), each added once: an agent's edit or a title
    already taken is left alone. The recipients' articles are 0011g's."""
    from models.kb_seed import STARTING, add_articles

    add_articles(op.get_bind(), STARTING)
