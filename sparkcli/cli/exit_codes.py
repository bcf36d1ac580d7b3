"""Exit codes of the sparkcli commands, named once (scripts and tests compare against these)."""

from __future__ import annotations

SUCCESS = 0
APP_FAILED = 1  # the application raised an exception (its traceback was printed)
USAGE_ERROR = 2  # bad flags, config, master URL, missing app file: a one-line "Error: ..."
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
