"""Imports every domain's models so Alembic sees the whole schema in one MetaData."""

from app.core.db import Base

metadata = Base.metadata
