"""`landgis plan`: the table, the findings, --json, --unit, --out, and clean errors."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest

from landgis.cli import main

EX04 = Path(__file__).parent / "data" / "plans" / "ex04.txt"


def run(capsys, *args):
    code = main(["plan", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_default_is_the_seed(capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert "连州市2026年度土地供应计划" in out
    assert "三水瑶族乡" in out and "0.1388" in out and "158.1793169" in out
    assert "各乡镇布局合计156.397524公顷，比供应总量158.1793169公顷少1.7817929公顷，未落实到乡镇。" in out
    assert "丰阳镇本年度无土地供应安排。" in out


def test_unit_mu_and_m2(capsys):
    _, out, _ = run(capsys, "--unit", "mu")
    assert "本表单位：亩" in out and "2.082" in out  # 三水瑶族乡 0.1388 ha
    _, out, _ = run(capsys, "--unit", "m2")
    assert "1388" in out and "本表单位：平方米" in out


def test_findings_follow_the_unit_and_severity_words(capsys):
    _, out, _ = run(capsys, "--unit", "mu")
    # 1.7817929 ha not placed: in 亩 by units.format_area, the plan's printed figure in brackets
    assert "1. [警告] 各乡镇布局合计2,346.0亩（156.397524公顷），比供应总量2,372.7亩（158.1793169公顷）少26.7亩" in out
    assert "[提示] 丰阳镇本年度无土地供应安排。" in out and "注意" not in out
    _, out, _ = run(capsys, "--unit", "m2", "--lang", "en")
    assert "(units of the text: ha; of this table: m²)" in out and "本表" not in out  # the unit's word, not 公顷
    assert "[warning] The townships add up to 1,563,975 m² (156.397524 ha), 17,818 m² (1.7817929 ha) less" in out
    assert "[note] 丰阳镇 receives no land in this plan." in out


def test_json_is_exact(capsys):
    code, out, _ = run(capsys, "--json")
    assert code == 0
    data = json.loads(out, parse_float=D)
    assert data["place"] == "连州市" and data["year"] == 2026 and data["unit"] == "公顷"
    assert data["stated_total_ha"] == D("158.1793169")
    assert data["structure_ha"]["公用设施用地"] == D("7.840843")
    assert data["township_totals_ha"]["三水瑶族乡"] == D("0.1388")
    assert '"hectares": 0.1388' in out  # a JSON number written from the Decimal's digits
    row = next(a for a in data["allocations"] if a["township"] == "九陂镇" and a["category"] == "交通运输用地")
    assert row == {"township": "九陂镇", "category": "交通运输用地", "category_code": "10",
                   "hectares": D("2.0763"), "value": D("2.0763"), "value_unit": "公顷"}
    kinds = [f["kind"] for f in data["findings"]]
    assert kinds.count("category_sum") == 3 and "county_sum" in kinds and "no_supply" in kinds
    county = next(f for f in data["findings"] if f["kind"] == "county_sum")
    assert (county["stated_ha"], county["computed_ha"], county["difference_ha"]) == (
        D("158.1793169"), D("156.397524"), D("1.7817929"))


def test_json_of_a_mu_plan(capsys):
    _, out, _ = run(capsys, str(EX04), "--json", "--unit", "mu")
    data = json.loads(out, parse_float=D)
    assert data["unit"] == "亩" and data["stated_total_ha"] == D("217.12")
    assert data["township_totals_ha"]["城中街道"] == D("12.4133333")  # 186.20亩 / 15, to 7 places
    assert data["no_supply"][-1] == "下茆镇"


def test_out_csv_and_xlsx(capsys, tmp_path):
    code, out, _ = run(capsys, "--out", str(tmp_path / "t.csv"))
    assert code == 0 and "已写出" in out
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly
    assert raw.count(b"\r\n") == raw.count(b"\n") > 10  # CRLF on every line, as the README promises
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0].startswith("乡镇") and rows[0][-1] == "合计"
    sanshui = next(r for r in rows if r[0] == "三水瑶族乡")
    assert sanshui[rows[0].index("公用设施用地")] == "0.1388"
    assert rows[-2][0] == "乡镇合计" and rows[-2][-1] == "156.397524"
    assert rows[-1][0] == "计划总量" and rows[-1][-1] == "158.1793169"

    from openpyxl import load_workbook

    run(capsys, "--out", str(tmp_path / "t.xlsx"), "--unit", "mu")
    wb = load_workbook(tmp_path / "t.xlsx")
    ws = wb["分乡镇分类"]
    assert "单位：亩" in ws["A1"].value
    values = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    header = [c.value for c in ws[2]]
    assert values["三水瑶族乡"][header.index("公用设施用地")] == pytest.approx(2.082)
    assert any("1.7817929" in (r[1] or "") for r in wb["核对结果"].iter_rows(values_only=True))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.xlsx"]  # no temp files left


def test_errors_are_one_line_without_traceback(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and out == "" and "missing.txt" in err and "Traceback" not in err
    assert err.startswith("landgis plan: 错误: ")  # Chinese by default
    assert err.count("\n") == 1
    notice = tmp_path / "notice.txt"
    notice.write_text("通知\n请各单位按时报送材料。", "utf-8")
    code, _, err = run(capsys, str(notice))
    assert code == 2 and "未找到土地供应计划" in err and "供应总量" in err
    code, _, err = run(capsys, "--out", str(tmp_path / "t.pdf"))
    assert code == 2 and ".csv 或 .xlsx" in err and not (tmp_path / "t.pdf").exists()
    code, _, err = run(capsys, "--out", str(tmp_path / "no" / "t.csv"))
    assert code == 2 and "不存在" in err


@pytest.mark.slow  # installs and runs the console script
def test_console_script(tmp_path):
    assert shutil.which("landgis"), "pip install -e . puts the landgis command on the PATH"
    done = subprocess.run(["landgis", "plan", "--json"], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["place"] == "连州市"
    bad = subprocess.run(["landgis", "plan", str(tmp_path / "x.docx")], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "x.docx" in bad.stderr


def test_ledger_lists_every_figure_with_its_line(capsys):
    code, out, _ = run(capsys, "--ledger")
    assert code == 0
    assert "共读到44个面积数字：计入计划44个，未计入0个，未归类0个。" in out
    rows = [line for line in out.splitlines() if "公顷" in line and "「" in line]
    assert len(rows) == 44 and rows[0].split()[:3] == ["21", "158.1793169公顷", "供应总量"]
    assert "[提示] 供应结构各类用地合计158.179317公顷" in out  # 0.0000001 ha: below the printed precision


def test_findings_in_english(capsys):
    _, out, _ = run(capsys, "--lang", "en")
    assert "The townships add up to 156.397524 ha, 1.7817929 ha less than the stated total 158.1793169 ha" in out


def test_a_text_that_is_not_a_plan_exits_2(tmp_path, capsys):
    path = tmp_path / "reserve.txt"
    path.write_text("某市2024年度土地储备计划\n计划新增储备土地12公顷。", encoding="utf-8")
    assert main(["plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert "reserve.txt：不是土地供应计划" in err and len(err.strip().splitlines()) == 1
