"""The one set of severity words every output uses: 错误/警告/提示 and error/warning/note.

Examples
--------
>>> severity_word("warning")
'警告'
>>> severity_word("info", "en")
'note'
"""

from __future__ import annotations

from landgis.catalog import LANGS, table

__all__ = ["SEVERITY_WORDS", "severity_word"]

#: Severity words by language: the CLI, the reports (HTML, Word), the workbooks and the QA outputs.
SEVERITY_WORDS: dict[str, dict[str, str]] = {lang: table("severity", lang) for lang in LANGS}


def severity_word(severity: str, lang: str = "zh") -> str:
    """The word for ``severity`` (``error``, ``warning``, ``info`` or ``ok``) in ``lang`` (``zh``/``en``)."""
    return SEVERITY_WORDS["en" if lang == "en" else "zh"].get(severity, severity)
