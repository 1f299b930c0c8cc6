"""Issue 13: every bad input is one line with exit 2, faults leave nothing behind, implausible CRSs are named.

Everything runs the real ``landgis`` command in a subprocess (real files, real signals, a real file size
limit), except where a library function is the subject.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
import shapely

from landgis.atlas import remove_stale
from landgis.townships import BoundaryError, load_townships
from landgis.qa import qa

pytestmark = pytest.mark.slow  # every test starts the landgis command in a new process (and some build atlases)

PARCELS = ("地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
           "LZ-001,龙坪镇,工矿仓储用地,5.2,112.4777,24.82078\n"
           "LZ-002,保安镇,工矿仓储用地,1.0,112.38667,24.91722\n")


def landgis(*args: str, cwd: Path | None = None, preexec=None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landgis.cli", *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=cwd, preexec_fn=preexec, timeout=timeout)


def one_line_error(proc: subprocess.CompletedProcess, *expected: str) -> str:
    """The single stderr line of a run that failed with exit 2, checked for the expected words."""
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    for word in expected:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def files(tmp_path) -> Path:
    (tmp_path / "ok.csv").write_text(PARCELS, encoding="utf-8")
    (tmp_path / "bad.gpkg").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # a torn GeoPackage
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)          # a torn zip
    (tmp_path / "bad.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 torn")
    (tmp_path / "huge.csv").write_text(PARCELS + "LZ-003,龙坪镇,工矿仓储用地,1.0,1e308,24.8\n", encoding="utf-8")
    return tmp_path


# --- bad files and values: one line, exit 2 ---------------------------------------------------------
@pytest.mark.parametrize("args, expected", [
    (["qa", "bad.gpkg"], ["bad.gpkg", "不是可读取的"]),
    (["qa", "bad.xlsx"], ["bad.xlsx", "不是可读取的 .xlsx 工作簿"]),
    (["qa", "bad.xls"], ["bad.xls", "不是可读取的 .xls 工作簿"]),
    (["qa", "ok.csv", "--crs", "foo"], ["ok.csv", "--crs 'foo' 不是坐标系", "4490"]),
    (["qa", "ok.csv", "--area-tolerance", "-1"], ["--area-tolerance"]),
    (["qa", "ok.csv", "--area-tolerance", "nan"], ["--area-tolerance"]),
    (["qa", "ok.csv", "--plan", "."], ["是文件夹，不是计划文件"]),
    (["qa", "nowhere"], ["nowhere", "找不到该地块文件"]),
    (["map", "--dpi", "0"], ["--dpi", "50 到 1200"]),
    (["map", "--dpi", "100000"], ["--dpi", "50 到 1200"]),
    (["map", "--breaks", "1,nan,10"], ["--breaks", "有限数字"]),
    (["map", "--breaks", "1,inf"], ["--breaks", "有限数字"]),
    (["map", "--breaks", "10,5"], ["--breaks", "递增"]),
    (["plan", "."], ["是文件夹，不是计划文件"]),
    (["plan", "jihua"], ["jihua", "找不到该计划文件"]),
    (["atlas", "nowhere-plan"], ["找不到该计划文件"]),
    (["plan", "bad.pdf"], ["bad.pdf", "不是可读取的 PDF 文件"]),
    (["web", "--out", "/proc/landgis.html"], ["/proc/landgis.html：找不到该文件或文件夹"]),
    (["qa", "ok.csv", "--out", "/proc/landgis"], ["/proc/landgis"]),
])
def test_bad_input_is_one_line_exit_2(files, args, expected):
    extra = [] if "--out" in args else ["--json"] if args[0] == "plan" else ["--out", "out"]
    one_line_error(landgis(*args, *extra, cwd=files), *expected)


def test_old_xls_workbook_is_read(files):
    import xlwt  # writes real Excel 97–2003 (BIFF8) files, as old office machines still send them

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("地块")
    for r, line in enumerate(PARCELS.strip().splitlines()):
        for c, value in enumerate(line.split(",")):
            sheet.write(r, c, float(value) if r and c >= 3 else value)
    book.save(str(files / "old.xls"))
    assert (files / "old.xls").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 compound file
    proc = landgis("qa", "old.xls", "--out", "qa", "--no-map", cwd=files)
    assert proc.returncode == 0, proc.stderr
    import geopandas as gpd

    parcels = gpd.read_file(files / "qa" / "parcels.gpkg")
    assert "地块 2 宗" in proc.stdout and "地块面积合计 6.2000 公顷" in proc.stdout
    assert parcels["parcel_id"].tolist() == ["LZ-001", "LZ-002"]


def test_coordinate_of_1e308_is_a_finding_not_a_crash(files):
    proc = landgis("qa", "huge.csv", "--out", "qa", "--no-map", cwd=files)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    findings = pd.read_csv(files / "qa" / "findings.csv", encoding="utf-8-sig")
    assert "坐标不在中国境内" in set(findings.loc[findings["地块编号"] == "LZ-003", "类型"])


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_during_qa_is_one_line_and_leaves_no_partial_file(files):
    proc = landgis("qa", "ok.csv", "--out", "qa", preexec=_file_size_limit(20_000), cwd=files)
    one_line_error(proc, "parcels.gpkg", "大小限制")
    assert not (files / "qa").exists() and not list(files.glob(".qa*"))  # built beside, never swapped in


def test_full_disk_during_plan_table(files):
    proc = landgis("plan", "--out", "table.xlsx", preexec=_file_size_limit(2_000), cwd=files)
    one_line_error(proc, "table.xlsx")
    assert not any(p.name.startswith((".table", "table")) for p in files.iterdir())


# --- stated areas that are no areas ---------------------------------------------------------------
def test_negative_and_absurd_stated_areas_are_reported_not_summed(tmp_path, plan):
    path = tmp_path / "p.csv"
    path.write_text(PARCELS + "LZ-003,龙坪镇,工矿仓储用地,-3,112.4777,24.82078\n"
                              "LZ-004,龙坪镇,工矿仓储用地,1e300,112.4777,24.82078\n", encoding="utf-8")
    result = qa(path, None, plan)
    bad = result.findings[result.findings["kind"] == "implausible_area"]
    assert sorted(bad["parcel_id"]) == ["LZ-003", "LZ-004"] and set(bad["severity"]) == {"error"}
    cell = result.quota[(result.quota["township"] == "龙坪镇") & (result.quota["category"] == "工矿仓储用地")]
    assert float(cell["booked_ha"].iloc[0]) == pytest.approx(5.2)  # neither -3 nor 1e300 is in the sum
    assert result.summary["booked_ha"] == pytest.approx(6.2)


# --- implausible CRS --------------------------------------------------------------------------------
def test_prj_of_zone_37_over_zone_38_coordinates_names_the_crs(tmp_path):
    towns = load_townships(county="441882")
    wrong = towns.to_crs(4526).set_crs(4525, allow_override=True)  # the .prj says zone 37
    path = tmp_path / "乡镇.gpkg"
    wrong[["code", "name", "geometry"]].to_file(path)
    with pytest.raises(BoundaryError, match=r"EPSG:4526.*--crs .*4526") as info:
        load_townships(path)
    assert "\n" not in str(info.value) and "km from" in str(info.value)
    fixed = load_townships(path, crs=4526)
    assert fixed.total_bounds == pytest.approx(towns.total_bounds, abs=1e-6)


# --- warnings -------------------------------------------------------------------------------------
def test_repaired_geometry_is_one_readable_line(tmp_path):
    towns = load_townships(county="441882")
    x0, y0, x1, y1 = towns.geometry.iloc[3].bounds
    towns.loc[3, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])  # a bow-tie
    towns[["code", "name", "geometry"]].to_file(tmp_path / "bow.gpkg")
    proc = landgis("map", "--boundaries", "bow.gpkg", "--category", "total", "--format", "png", "--no-extras",
                   "--dpi", "50", "--out", "m", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "已修复" in line]
    assert lines == [f"landgis: 警告: bow.gpkg：已修复 1 个无效几何：#3 {towns.loc[3, 'name']}"]
    assert "UserWarning" not in proc.stderr and "warnings.warn" not in proc.stderr


# --- the atlas: refused before work, swapped whole, cleaned after kills -------------------------------
def test_atlas_out_at_a_file_or_foreign_folder_is_refused_before_work(tmp_path):
    (tmp_path / "atlas.txt").write_text("not a folder", encoding="utf-8")
    one_line_error(landgis("atlas", "--out", "atlas.txt", cwd=tmp_path), "atlas.txt", "不是文件夹")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mine.docx").write_bytes(b"x")
    one_line_error(landgis("atlas", "--out", "docs", cwd=tmp_path), "docs", "不是以前生成的图集")
    assert (tmp_path / "docs" / "mine.docx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.txt", "docs"]  # no .building-* either


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_folders_of_dead_runs_only_are_removed(tmp_path):
    dest = tmp_path / "lianzhou-2026"
    dest.mkdir()
    (dest / "manifest.json").write_text("{}", encoding="utf-8")
    dead = _dead_pid()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = [tmp_path / f".lianzhou-2026.building-{dead}-ab12", tmp_path / f".lianzhou-2026.old-{dead}"]
        alive = [tmp_path / f".lianzhou-2026.building-{live.pid}-cd34", tmp_path / f".lianzhou-2026.old-{live.pid}"]
        other = tmp_path / f".other.building-{dead}-ef56"
        for p in (*stale, *alive, other):
            p.mkdir()
        assert sorted(remove_stale(dest)) == sorted(stale)
        assert all(p.exists() for p in (*alive, other)) and not any(p.exists() for p in stale)
    finally:
        live.kill()
        live.wait()


def test_old_atlas_of_a_run_killed_between_the_renames_is_put_back(tmp_path):
    dest = tmp_path / "lianzhou-2026"
    old = tmp_path / f".lianzhou-2026.old-{_dead_pid()}"
    old.mkdir()
    (old / "index.html").write_text("previous", encoding="utf-8")
    remove_stale(dest)
    assert (dest / "index.html").read_text(encoding="utf-8") == "previous" and not old.exists()


SWAP_CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from landgis.folders import swap_into_place

    def on_term(signum, frame):  # as the landgis command does: SIGTERM is an interrupt
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    renames = 0
    def profile(frame, event, arg):  # a real SIGTERM right after the first rename returns
        global renames
        if event == "c_return" and arg is os.replace:
            renames += 1
            if renames == 1:
                os.kill(os.getpid(), signal.SIGTERM)
    sys.setprofile(profile)
    try:
        swap_into_place(Path(sys.argv[1]), Path(sys.argv[2]))
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(0)
""")


def test_sigterm_between_the_two_renames_leaves_a_whole_atlas(tmp_path):
    dest, work = tmp_path / "atlas", tmp_path / ".atlas.building-1-x"
    for folder, text in ((dest, "previous"), (work, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", SWAP_CHILD, str(work), str(dest)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 130, proc.stderr  # the signal was delivered, after the swap
    assert (dest / "index.html").read_text(encoding="utf-8") in ("previous", "new")
    remove_stale(dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_atlas_keeps_previous_and_leaves_nothing(tmp_path, sig):
    dest = tmp_path / "atlas"
    dest.mkdir()
    (dest / "manifest.json").write_text(json.dumps({"landgis_version": "0"}), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "landgis.cli", "atlas", "--out", str(dest), "--format", "png"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not list(tmp_path.glob(".atlas.building-*")):  # wait until it is drawing maps
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    # 130, or the same interrupt reported by Python's exit through SIGINT; never SIGTERM's -15 (unhandled)
    assert proc.returncode in (130, -signal.SIGINT), err
    assert "landgis: 已中断" in err and "Traceback" not in err  # Chinese by default
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]
    assert sorted(p.name for p in dest.iterdir()) == ["manifest.json"]
