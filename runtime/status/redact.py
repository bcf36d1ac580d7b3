"""Redaction of secrets, as Spark's Utils.redact: a (key, value) pair whose key *or* value
matches ``spark.redaction.regex`` (default ``(?i)secret|password|token|access[.]?key``) keeps
its key and shows ``*********(redacted)`` as its value. Used by the event log writer, the
status store's environment and therefore every page and API answer built from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

DEFAULT_REGEX = r"(?i)secret|password|token|access[.]?key"
REPLACEMENT = "*********(redacted)"
REGEX_KEY = "spark.redaction.regex"


def pattern(props: Mapping[str, str] | None = None) -> re.Pattern:
    text = (props or {}).get(REGEX_KEY) or DEFAULT_REGEX
    try:
        return re.compile(text)
    except re.error:
        return re.compile(DEFAULT_REGEX)


def redact_pairs(pairs: Iterable[tuple[str, str]], pat: re.Pattern) -> list[tuple[str, str]]:
    out = []
    for key, value in pairs:
        if pat.search(str(key)) or pat.search(str(value)):
            value = REPLACEMENT
        out.append((key, value))
    return out


def redact_dict(props: Mapping[str, str], pat: re.Pattern | None = None) -> dict[str, str]:
    pat = pat or pattern(props)
    return dict(redact_pairs(props.items(), pat))
