"""The ledger speaks the run's language (issue 20): its header, roles and reasons come from the catalogue
(``ledger.*`` in :mod:`landgis.catalog.ledger`), in English under ``--lang en`` on the terminal, in the
workbook and in the JSON; the Chinese ledger stays what main wrote before the move.

An English reason is checked against the catalogue's English templates: it must be one of them with its
parameters (the plan's own names and figures) filled in, and a template's own words hold no Chinese.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landgis.catalog import CATALOG, text
from landgis.plan import SEED_PLAN, PlanParseError, parse_plan, reconcile
from landgis.plan.export import format_ledger, plan_to_dict, write_plan_table
from landgis.plan.ledger import ROLES, reason

DATA = Path(__file__).parent / "data"
MAIN = json.loads((DATA / "ledger_zh_main.json").read_text("utf-8"))
PLAN_DIR = Path(__file__).parents[1] / "landgis" / "plan"
#: The texts of tests/data the parser refuses (not a plan, or no plan figure): they have no ledger.
REFUSED = {"plans/ex22.txt", "plans/ex23.txt", "plans/ex24.txt", "real_unseen/u06_jiangsu_2017_statistics.txt",
           "real_unseen/u07_national_2013q3_supply_big5.txt"}
#: Every other plan text carried in tests/data: the examples, the real and unseen texts, the split tables.
TEXTS = sorted(p for p in DATA.rglob("*") if p.suffix in (".txt", ".html", ".md") and p.name != "README.md"
               and str(p.relative_to(DATA)) not in REFUSED)

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_MARKS = "【】"  # the marks the ledger puts around a figure in the plan's own clause, in either language


def _template_regex(en: str) -> re.Pattern:
    """An English template as a pattern: its words literal, each ``{field}`` any text."""
    parts = re.split(r"\{[^{}]*\}", en)
    return re.compile("(?:.*)".join(re.escape(p) for p in parts) + r"\Z", re.S)


def _entries(section: str) -> dict[str, str]:
    out = {}
    for key in CATALOG:
        if key.startswith(section):
            value = CATALOG[key]
            while isinstance(value, str):
                value = CATALOG[value]
            out[key] = value["en"]
    return out


REASONS_EN = _entries("ledger.reason.")
WHAT_EN = _entries("ledger.what.")
ROLES_EN = {text(f"ledger.role.{r}", "en") for r in ROLES}


def _skeleton(en: str) -> str:
    return re.sub(r"\{[^{}]*\}", "", en)


def _worded_by(said: str, templates: dict[str, str]) -> list[str]:
    """The catalogue keys whose English template ``said`` is (parameters filled in)."""
    return [k for k, en in templates.items() if _template_regex(en).match(said)]


# --- the catalogue's own words --------------------------------------------------------------------
def test_the_ledger_templates_have_no_chinese_in_english():
    for key, en in {**REASONS_EN, **WHAT_EN, **_entries("ledger.col."), **_entries("ledger.role.")}.items():
        assert not _CJK.search(_skeleton(en).replace(_MARKS[0], "").replace(_MARKS[1], "")), key
    assert not _CJK.search(text("ledger.header", "en").replace("【】", "")), text("ledger.header", "en")


def test_a_reason_renders_in_both_languages_from_its_key():
    why = reason("differs_from_before", what="柯桥区", figure="7227亩")
    assert why.render("zh") == "与前文柯桥区7227亩不一致，保留前者"
    assert why.render("en") == "differs from 柯桥区 before (7227亩); the first is kept"


def test_the_matcher_can_fail():
    assert _worded_by("未能识别此数字是什么", REASONS_EN) == []
    assert _worded_by("differs from 柯桥区 before (7227亩); the first is kept", REASONS_EN) == [
        "ledger.reason.differs_from_before"]


# --- every plan of tests/data ---------------------------------------------------------------------
@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(DATA)))
def test_every_english_role_and_reason_is_the_catalogues(path):
    plan = parse_plan(path)
    for r in plan.ledger.itertuples():
        assert r.role_en in ROLES_EN and r.role_zh == ROLES[r.role]
        assert bool(r.reason) == bool(r.reason_en), r
        if r.reason_en:
            assert _worded_by(r.reason_en, REASONS_EN), (r.line, r.reason_en)
        # what: a plan's own name as it is, else one of the ledger's templates around the names
        if r.what_en != r.what:
            assert _worded_by(r.what_en, WHAT_EN) or not (set(_CJK.findall(r.what_en)) - set(r.what)), r.what_en
    for f in reconcile(plan):
        if f.kind == "unplaced":
            quoted = re.search(r"could not be placed in the plan \((.*)\): “", f.message_en).group(1)
            assert _worded_by(quoted, REASONS_EN), f.message_en


def test_the_refused_texts_are_refused():
    for name in sorted(REFUSED):
        with pytest.raises(PlanParseError):
            parse_plan(DATA / name)


@pytest.mark.parametrize("name", sorted(MAIN["plans"]))
def test_the_chinese_ledger_is_mains(name):
    plan = parse_plan(SEED_PLAN if name == "SEED" else DATA / name)
    rows = [[r.figure, r.role_zh, r.what, r.reason] for r in plan.ledger.itertuples()]
    assert rows == MAIN["plans"][name]


def test_the_json_ledger_records_carry_the_english():
    plan = parse_plan(DATA / "plans" / "real" / "07_zhenjiang_2017.txt")
    records = plan_to_dict(plan, reconcile(plan))["ledger"]
    unplaced = [r for r in records if r["role"] == "unplaced"]
    assert unplaced and unplaced[0]["reason"].startswith("与前文") and unplaced[0]["reason_en"].startswith("differs from")
    assert all(_worded_by(r["reason_en"], REASONS_EN) for r in records if r["reason"])
    assert [r["what_en"] for r in records if r["role"] == "total"] == ["the total"]


def test_format_ledger_in_english_has_english_words_only():
    plan = parse_plan(DATA / "plans" / "real" / "07_zhenjiang_2017.txt")
    head, *lines = format_ledger(plan, "en").splitlines()
    assert head == text("ledger.header", "en")
    assert format_ledger(plan) == MAIN["format"]["plans/real/07_zhenjiang_2017.txt"]
    assert len(lines) == len(plan.ledger)
    for line, r in zip(lines, plan.ledger.itertuples()):
        what = r.what_en if r.role not in ("set_aside", "unplaced") else ""
        note = "; ".join(x for x in (what, r.reason_en) if x)
        assert line.endswith(f" {note}  “{r.context}”") and f" {r.role_en} " in line, line


# --- the command and the workbook -----------------------------------------------------------------
def _plan_cli(*argv: str) -> str:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "landgis.cli", "plan", *argv], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _ledger_lines(out: str, header: str) -> list[str]:
    lines = out.splitlines()
    return lines[lines.index(header) + 1:]


def test_plan_ledger_in_english_on_the_command_line():
    path = DATA / "plans" / "real" / "07_zhenjiang_2017.txt"
    plan = parse_plan(path)
    roles = {r.role for r in plan.ledger.itertuples()}
    assert {"set_aside", "unplaced", "total", "sub_item"} <= roles  # a plan with every kind of line
    en = _ledger_lines(_plan_cli(str(path), "--ledger", "--lang", "en"), text("ledger.header", "en"))
    assert len(en) == len(plan.ledger)
    for line, r in zip(en, plan.ledger.itertuples()):
        said = line[: line.rindex("“")]  # the plan's own clause, quoted at the end
        said = said.replace(r.figure, " ", 1)
        for name in sorted({r.what, *re.split(r"[ ：:]", r.what)} | _names(r.reason_en), key=len, reverse=True):
            said = said.replace(name, " ") if name else said
        assert not _CJK.search(said), line
    zh = _ledger_lines(_plan_cli(str(path), "--ledger"), text("ledger.header", "zh"))
    assert "\n".join([text("ledger.header", "zh"), *zh]) == MAIN["format"]["plans/real/07_zhenjiang_2017.txt"]


def _names(reason_en: str) -> set[str]:
    """The parameters of an English reason (the plan's own names and figures), by its template."""
    for en in REASONS_EN.values():
        parts = re.split(r"\{[^{}]*\}", en)
        m = re.compile("(.*)".join(re.escape(p) for p in parts) + r"\Z", re.S).match(reason_en)
        if m:
            return set(m.groups())
    return set()


def test_the_workbook_ledger_sheet_follows_the_language(tmp_path):
    path = DATA / "plans" / "real" / "07_zhenjiang_2017.txt"
    plan = parse_plan(path)
    out = tmp_path / "计划.xlsx"
    _plan_cli(str(path), "--out", str(out), "--lang", "en")
    ws = load_workbook(out)[text("ledger.sheet", "en")]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == ["Line", "Figure", "Value", "Unit", "Hectares", "Use", "Of", "Note",
                             "Context (the figure marked 【】)", "Text (the whole line)"]
    assert len(rows) == 1 + len(plan.ledger)
    for row, r in zip(rows[1:], plan.ledger.itertuples()):
        role, what, why = row[5], row[6] or "", row[7] or ""
        assert role in ROLES_EN and role == r.role_en
        assert why == r.reason_en and (not why or _worded_by(why, REASONS_EN))
        assert what == r.what_en
    zh = tmp_path / "zh.xlsx"
    write_plan_table(plan, zh, "ha", reconcile(plan))
    assert load_workbook(zh).sheetnames == ["分乡镇分类", "核对结果", "面积数字台账"]
    head = next(load_workbook(zh)["面积数字台账"].iter_rows(values_only=True))
    assert list(head) == ["行号", "数字", "数值", "单位", "公顷", "去向", "归属", "说明", "上下文（数字以【】标出）", "原文（整行）"]


def test_the_whole_workbook_and_csv_follow_the_language(tmp_path):
    plan = parse_plan(SEED_PLAN)
    findings = reconcile(plan)
    wb = load_workbook(write_plan_table(plan, tmp_path / "en.xlsx", "mu", findings, lang="en"))
    assert wb.sheetnames == ["By township and category", "findings", "Ledger of area figures"]
    title, head, *rows = wb["By township and category"].iter_rows(values_only=True)
    assert title[0] == "连州市 2026 land supply plan by township and category (unit: mu)"
    assert head[0] == "Township" and head[-1] == "Total" and set(head[1:-1]) == set(plan.categories)
    assert [r[0] for r in rows[-2:]] == ["Sum over townships", "Plan (stated)"]
    head, *rows = wb["findings"].iter_rows(values_only=True)
    assert not any(_CJK.search(h) for h in head)
    assert [r[1] for r in rows] == [f.text("en", "mu") for f in findings]
    assert {r[2] for r in rows} <= {"warning", "note", "error"}
    csv = (write_plan_table(plan, tmp_path / "en.csv", "mu", lang="en")).read_text("utf-8-sig").splitlines()
    assert csv[0].startswith("Township (unit: mu),") and csv[0].endswith(",Total")
    assert csv[-2].startswith("Sum over townships,") and csv[-1].startswith("Plan (stated),")
    zh = (write_plan_table(plan, tmp_path / "zh.csv", "mu")).read_text("utf-8-sig").splitlines()
    assert zh[0].startswith("乡镇（单位：亩）,") and zh[-1].startswith("计划总量,")


def test_the_plan_table_says_its_own_words_in_english():
    out = _plan_cli(str(DATA / "plans" / "ex05.txt"), "--lang", "en", "--verbose")
    lines = out.splitlines()
    table = lines[1: lines.index("")]
    assert table[0].startswith("Township") and table[0].rstrip().endswith("Total")
    assert any(ln.startswith("Sum over townships") for ln in table) and any(ln.startswith("Plan (stated)") for ln in table)
    assert "原文单位" not in lines[0] and "units of the text: ha" in lines[0]
    aside = lines[lines.index(text("cli.set_aside", "en")) + 1:]
    assert aside and all(_worded_by(ln.split(" (", 1)[1].split("): “")[0], REASONS_EN) for ln in aside if ln.startswith("  - "))


# --- no reason is written in Chinese in landgis/plan/ -----------------------------------------------
#: Where a reason is given: the positional index of the reason in these calls (and the ``reason=`` keyword).
_REASON_ARG = {"set_aside": 2, "enter": 4, "add_damaged": 3, "_found": 3}


def _chinese_literal(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(_CJK.search(node.value))
    if isinstance(node, (ast.JoinedStr, ast.BinOp, ast.IfExp, ast.BoolOp)):
        return any(_chinese_literal(n) for n in ast.iter_child_nodes(node))
    return False


def reason_literals(source: str) -> list[int]:
    """Lines of ``source`` that pass a Chinese string as a ledger reason: to a call of ``set_aside``, ``enter``,
    ``add_damaged``, ``_found`` (by position or ``reason=``), assigned to ``….reason`` or to ``why``, or
    appended as an ``(figure, reason)`` pair."""
    hits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            given = [kw.value for kw in node.keywords if kw.arg == "reason"]
            if name in _REASON_ARG and len(node.args) > _REASON_ARG[name]:
                given.append(node.args[_REASON_ARG[name]])
            if name == "append" and node.args and isinstance(node.args[0], ast.Tuple) and len(node.args[0].elts) == 2:
                given.append(node.args[0].elts[1])
            hits += [node.lineno for g in given if _chinese_literal(g)]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = zip(target.elts, node.value.elts) if isinstance(target, ast.Tuple) and isinstance(
                    node.value, ast.Tuple) else [(target, node.value)]
                for t, v in pairs:
                    named = (isinstance(t, ast.Attribute) and t.attr == "reason") or (isinstance(t, ast.Name)
                                                                                     and t.id == "why")
                    if named and _chinese_literal(v):
                        hits.append(node.lineno)
    return hits


def test_no_reason_is_a_chinese_literal_in_the_parser():
    found = {p.name: reason_literals(p.read_text("utf-8")) for p in sorted(PLAN_DIR.glob("*.py"))}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_reason_scan_can_fail():
    bad = '''
st.set_aside(v, u, "上年度执行情况", label)
st.enter(v, u, "unplaced", reason=f"与前文{x}不一致")
fig.kind, fig.reason = "ignore", "未识别的面积"
why = "与其他年份比较" if a else reason("x")
aside.append((fig, "负数"))
_found(st, row, unit, "表格行没有名称")
st.set_aside(v, u, reason("prior_year"), "标签")
'''
    assert sorted(reason_literals(bad)) == [2, 3, 4, 5, 6, 7]
