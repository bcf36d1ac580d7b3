"""One SQL statement parsed with sqlglot's Spark dialect, with Spark's syntax errors.

A syntax error is ``[PARSE_SYNTAX_ERROR] Syntax error at or near '<token>'.`` with SQLSTATE
42601 and the position block Spark prints (``== SQL ==``, the statement, a caret line under
the token). Several statements separated by ``;`` are an error as in Spark; a trailing
``;`` is allowed.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import ParseException
from runtime.sql.parser_dialect import spark_dialect

__all__ = ["parse_statement", "syntax_error"]


def syntax_error(text: str, token: str, line: int, col: int) -> ParseException:
    """Spark's PARSE_SYNTAX_ERROR; ``col`` is the 0-based position of the token in its line."""
    lines = text.split("\n")
    shown = list(lines[:line])
    shown.append("-" * col + "^" * 3)
    shown += lines[line:]
    msg = (f"[PARSE_SYNTAX_ERROR] Syntax error at or near '{token}'. SQLSTATE: 42601 "
           f"(line {line}, pos {col})\n\n== SQL ==\n" + "\n".join(shown) + "\n")
    return ParseException(msg, errorClass="PARSE_SYNTAX_ERROR",
                          messageParameters={"error": f"'{token}'", "hint": ""})


def parse_statement(text: str) -> Any:
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        trees = [t for t in sqlglot.parse(text, read=spark_dialect()) if t is not None]
    except ParseError as e:
        errs = getattr(e, "errors", None) or [{}]
        err = errs[0]
        token = str(err.get("highlight") or "end of input")
        line = int(err.get("line") or 1)
        col = max(int(err.get("col") or 1) - len(token), 0)
        raise syntax_error(text, token if token else "end of input", line, col) from None
    except TokenError:
        raise syntax_error(text, "end of input", 1, len(text)) from None
    if not trees:
        raise syntax_error(text, "end of input", 1, len(text))
    if len(trees) > 1:
        raise syntax_error(text, ";", 1, text.find(";"))
    return trees[0]
