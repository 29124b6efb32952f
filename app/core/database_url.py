"""Conversions between the URL spellings of the drivers we use (pure)."""

from sqlalchemy.engine import URL, make_url


def async_url(url: str) -> URL:
    """The URL as the asyncpg dialect wants it, whatever scheme the operator wrote."""
    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed


def with_database(url: str, database: str) -> str:
    return async_url(url).set(database=database).render_as_string(hide_password=False)
