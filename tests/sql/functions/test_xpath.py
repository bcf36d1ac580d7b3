"""The XPath functions against real PySpark 4.3's answers (golden/xpath.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

_JAVA = "Spark raises an unclassified Java exception (Py4JJavaError); sparkcli " \
    "SparkRuntimeException [INVALID_XPATH] / [INVALID_XML_DOCUMENT]"
GAPS: dict[str, str] = {
    "F.expr('xpath_int(\\'<a><b id=\"1\">b1</b><b id=\"2\">b2</b><b>3</b><c>c1</c><c><d>4.5"
    "</d></c></a>\\', \\'1e10\\')')": _JAVA,
    "F.expr(\"xpath_int('<a>1<a>', 'a')\")": _JAVA,
    "F.expr(\"xpath_string('<a>1</a>', 'a[')\")": _JAVA,
}


@pytest.mark.parametrize("case", params("xpath", GAPS))
def test_xpath(table, case):
    check(table, case)
