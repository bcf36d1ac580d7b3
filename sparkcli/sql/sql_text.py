"""``SparkSession.sql``: formats ``{name}`` references, then binds and runs the statement."""

from __future__ import annotations

import string
from typing import Any

from sparkcli.sql.sql_commands import run_command

__all__ = ["run_sql"]


def _format(text: str, kwargs: dict) -> tuple[str, dict]:
    """PySpark's SQLStringFormatter: a DataFrame becomes a relation name, anything else its
    SQL literal text."""
    if not kwargs:
        return text, {}
    frames: dict = {}
    out = []
    for literal, field, spec, conv in string.Formatter().parse(text):
        out.append(literal)
        if field is None:
            continue
        value = string.Formatter().get_field(field, (), kwargs)[0]
        if hasattr(value, "_plan") and hasattr(value, "schema"):
            name = f"__sql_frame_{len(frames)}"
            frames[name] = value._plan
            out.append(name)
        elif hasattr(value, "_expr"):
            out.append(value._expr.sql())
        elif isinstance(value, str):
            out.append(value)
        else:
            out.append(format(value, spec or ""))
    return "".join(out), frames


def run_sql(session: Any, text: str, args: Any, kwargs: dict) -> Any:
    text, frames = _format(text, kwargs)
    return run_command(session, text, args, frames)
