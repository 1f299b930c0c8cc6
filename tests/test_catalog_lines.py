"""The lines the command prints come from the catalogue (landgis/catalog/lines.py), in the command's language."""

from __future__ import annotations

import errno
import os

from landgis.cli import _error_line, main
from landgis.plan import SEED_PLAN, parse_plan, reconcile
from landgis.plan.export import format_findings


def test_the_figure_count_and_the_check_in_either_language():
    plan = parse_plan(SEED_PLAN)
    zh = format_findings(plan, reconcile(plan), "zh").splitlines()
    en = format_findings(plan, reconcile(plan), "en").splitlines()
    assert zh[:2] == ["共读到44个面积数字：计入计划44个，未计入0个，未归类0个。", "核对结果："]
    assert en[:2] == ["44 area figures read: 44 used, 0 set aside, 0 not placed.", "Check:"]
    assert format_findings(plan, [], "en").splitlines()[1] == "Check: every figure adds up."
    assert format_findings(plan, [], "zh").splitlines()[1] == "核对结果：各项数字相符。"


def test_a_file_error_line_in_either_language():
    exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "图集/报告.docx")
    assert _error_line(exc, "zh") == "图集/报告.docx：磁盘已满；没有留下写了一半的文件"
    assert _error_line(exc, "en") == "图集/报告.docx: the disk is full; nothing was half-written"
    assert _error_line(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "zh") == "磁盘已满；没有留下写了一半的文件"


def test_what_the_web_command_wrote_in_either_language(tmp_path, capsys):
    assert main(["web", "--out", str(tmp_path / "a.html")]) == 0
    zh = capsys.readouterr().out.strip()
    assert zh.startswith(f"已写出交互地图 {tmp_path / 'a.html'}（") and zh.endswith("KiB，12 个乡镇，6 个用地类型）")
    assert main(["web", "--fragment", "--out", str(tmp_path / "b.html"), "--lang", "en"]) == 0
    en = capsys.readouterr().out.strip()
    assert en.startswith(f"wrote fragment {tmp_path / 'b.html'} (") and en.endswith(" KiB, 12 townships, 6 categories)")


def test_lang_before_the_command_is_the_command_s_language(capsys):
    assert main(["--lang", "en", "plan"]) == 0
    said = capsys.readouterr().out
    assert "44 area figures read" in said and "共读到" not in said
    assert main(["plan"]) == 0
    assert "共读到44个面积数字" in capsys.readouterr().out
