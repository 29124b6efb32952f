"""Alembic, driven from code: `crm-dq migrate`, `make run`, the tests and /readyz."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _ini_path() -> Path:
    # The working directory wins so a container can ship alembic.ini beside an installed app.
    for candidate in (Path.cwd() / "alembic.ini", _PROJECT_ROOT / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("alembic.ini not found in the working directory or project root")


def alembic_config(database_url: str) -> Config:
    ini = _ini_path()
    config = Config(str(ini))
    config.set_main_option("script_location", str(ini.parent / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    ini = _ini_path()
    config = Config(str(ini))
    config.set_main_option("script_location", str(ini.parent / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


async def current_revision(conn: AsyncConnection) -> str | None:
    has_table = await conn.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
    if not has_table:
        return None
    return await conn.scalar(text("SELECT version_num FROM alembic_version"))
