"""Names in SQL statements: a table's (database, name) and SHOW ... LIKE patterns."""

from __future__ import annotations

import fnmatch
from typing import Any

__all__ = ["like", "table_name"]


def like(pattern: str | None, names: list[str]) -> list[str]:
    """Spark's SHOW ... LIKE: ``*`` any characters, ``|`` alternatives, case-insensitive."""
    if not pattern:
        return names
    alts = [p.strip().lower() for p in pattern.split("|")]
    return [n for n in names if any(fnmatch.fnmatchcase(n.lower(), a) for a in alts)]


def table_name(node: Any, state: Any) -> tuple[str, str]:
    """(database, name) of a sqlglot table node; the current database when unqualified."""
    parts = [p.name for p in node.parts]
    db = parts[-2].lower() if len(parts) >= 2 else state.current_database
    return db, parts[-1].lower()
