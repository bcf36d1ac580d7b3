"""One SQL statement parsed with sqlglot's Spark dialect, with Spark's syntax errors.

A syntax error is ``[PARSE_SYNTAX_ERROR] Syntax error at or near '<token>'.`` with SQLSTATE
42601 and the position block Spark prints (``== SQL ==``, the statement, a caret line under
the token). As Spark's ANTLR parser: a statement that starts with a word no statement starts
with is reported at that word (``selec 1``: ``'selec'``, pos 0), and tokens after a complete
statement are ``extra input``. Several statements separated by ``;`` are an error as in
Spark; a trailing ``;`` is allowed.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql.errors import ParseException
from runtime.sql.parser_dialect import spark_dialect

__all__ = ["parse_statement", "syntax_error"]


# the words a Spark SQL statement can start with (SqlBaseParser's statement rule)
_STATEMENT_STARTS = frozenset("""
SELECT WITH FROM VALUES TABLE INSERT CREATE DROP ALTER SHOW DESCRIBE DESC EXPLAIN SET RESET USE
CACHE UNCACHE CLEAR REFRESH ANALYZE TRUNCATE MSCK LOAD ADD LIST DELETE UPDATE MERGE DECLARE
EXECUTE REPLACE COMMENT GRANT REVOKE CALL BEGIN MAP REDUCE REPAIR UNSET EXPORT IMPORT LOCK
UNLOCK DFS
""".split())


def syntax_error(text: str, token: str, line: int, col: int, hint: str = "") -> ParseException:
    """Spark's PARSE_SYNTAX_ERROR; ``col`` is the 0-based position of the token in its line."""
    lines = text.split("\n")
    shown = list(lines[:line])
    shown.append("-" * col + "^" * 3)
    shown += lines[line:]
    near = token if token == "end of input" else f"'{token}'"
    msg = (f"[PARSE_SYNTAX_ERROR] Syntax error at or near {near}{hint}. SQLSTATE: 42601 "
           f"(line {line}, pos {col})\n\n== SQL ==\n" + "\n".join(shown) + "\n")
    return ParseException(msg, errorClass="PARSE_SYNTAX_ERROR",
                          messageParameters={"error": f"'{token}'", "hint": hint})


def _first_word_error(text: str) -> ParseException | None:
    """A statement that starts with a word no statement starts with: Spark reports that word."""
    m = re.match(r"\s*([A-Za-z_]\w*)", text)
    if m is None or m.group(1).upper() in _STATEMENT_STARTS:
        return None
    before = text[:m.start(1)]
    line = before.count("\n") + 1
    return syntax_error(text, m.group(1), line, len(before) - (before.rfind("\n") + 1))


def parse_statement(text: str) -> Any:
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        trees = [t for t in sqlglot.parse(text, read=spark_dialect()) if t is not None]
    except ParseError as e:
        first = _first_word_error(text)
        if first is not None:
            raise first from None
        errs = getattr(e, "errors", None) or [{}]
        err = errs[0]
        token = str(err.get("highlight") or "end of input")
        line = int(err.get("line") or 1)
        col = max(int(err.get("col") or 1) - len(token), 0)
        offset = sum(len(x) + 1 for x in text.split("\n")[:line - 1]) + col
        hint = ""
        desc = str(err.get("description"))
        last = not text[offset + len(token):].strip().rstrip(";").strip()  # nothing follows
        if "SENTINEL" in desc or (last and desc.startswith("Expecting")):  # ended too early
            lines = text.rstrip().rstrip(";").rstrip().split("\n")
            raise syntax_error(text, "end of input", len(lines), len(lines[-1])) from None
        if desc.startswith("Invalid expression / Unexpected token") and last and \
                text[:offset].strip():
            try:  # a whole statement, then more: ANTLR's "extra input"
                sqlglot.parse_one(text[:offset], read=spark_dialect())
                hint = f": extra input '{token}'"
            except (ParseError, TokenError):
                pass
        raise syntax_error(text, token if token else "end of input", line, col, hint) from None
    except TokenError:
        raise syntax_error(text, "end of input", 1, len(text)) from None
    if not trees:
        raise syntax_error(text, "end of input", 1, len(text))
    if len(trees) > 1:
        raise syntax_error(text, ";", 1, text.find(";"))
    return trees[0]
