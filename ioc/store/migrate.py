"""Create or migrate the store's schema with Alembic, on either backend."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from ioc.store import Store

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(store: Store) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", store.engine.url.render_as_string(False))
    return config


def upgrade(store: Store, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (default: every head; creates all tables when empty)."""
    config = alembic_config(store)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revisions(store: Store) -> str:
    """The heads of the packaged migrations, in :func:`current_revision`'s format."""
    return "+".join(sorted(ScriptDirectory.from_config(alembic_config(store)).get_heads()))


def current_revision(store: Store) -> str | None:
    """The schema revision(s) the database is at ("0004+0005" for two heads), or None."""
    with store.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        return "+".join(sorted(str(row[0]) for row in rows)) or None
