"""``import pyspark.sql`` and SparkSession stay cheap: no pyarrow, no sqlglot."""

from __future__ import annotations

import subprocess
import sys


def test_sql_imports_do_not_load_pyarrow_or_sqlglot():
    code = (
        "import sys, sparkcli.compat as c; c.install()\n"
        "import pyspark.sql\n"
        "from pyspark.sql import SparkSession, Row\n"
        "from pyspark.sql.types import StructType, LongType\n"
        "import pyspark.sql.functions, pyspark.errors\n"
        "heavy = [m for m in ('pyarrow', 'sqlglot', 'pandas') if m in sys.modules]\n"
        "print(heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_sparksession_import_loads_no_engine_module():
    """An RDD-only application's ``from pyspark.sql import SparkSession`` loads no plan,
    SQL-text, execution or streaming module (docs/architecture.md)."""
    code = (
        "import sys, sparkcli.compat as c; c.install()\n"
        "from pyspark.sql import SparkSession, Row\n"
        "print(sorted(m for m in sys.modules if m.startswith(('runtime.sql.plan', "
        "'runtime.sql.sqltext', 'runtime.sql.execution', 'runtime.sql.streaming'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
