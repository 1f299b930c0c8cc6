"""One set of severity words in every output."""

from __future__ import annotations

import pathlib
import re

import landgis
from landgis.plan import SEED_PLAN, parse_plan, reconcile
from landgis.qa.labels import SEVERITY_LABELS
from landgis.severity import SEVERITY_WORDS, severity_word


def test_words():
    assert [severity_word(s) for s in ("error", "warning", "info")] == ["错误", "警告", "提示"]
    assert [severity_word(s, "en") for s in ("error", "warning", "info")] == ["error", "warning", "note"]
    assert SEVERITY_LABELS == SEVERITY_WORDS["zh"]  # QA uses the same table


def test_plan_findings_use_them():
    labels = {f.severity_label for f in reconcile(parse_plan(SEED_PLAN))}
    assert labels == {"警告", "提示"}


def test_no_other_severity_table_in_the_code():
    root = pathlib.Path(landgis.__file__).parent
    hits = [p.relative_to(root).as_posix() for p in root.rglob("*.py")
            if p.name != "severity.py" and re.search(r"\"(warning|info)\": \"(注意|警告|提示|note)\"", p.read_text("utf-8"))]
    assert hits == []
