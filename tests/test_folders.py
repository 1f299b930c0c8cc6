"""Output folders built beside their place and swapped in whole; ``--out`` only where outputs belong.

The command-level tests run the real ``landgis`` command in a subprocess; signals are real, sent from a
fixed point of the run (a profile hook in the child process) so that nothing depends on timing.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from landgis.errors import InputError
from landgis.files import check_output_path
from landgis.folders import check_destination, forget_installed, installed, staged_folder

PARCELS = ("地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
           "LZ-001,龙坪镇,工矿仓储用地,5.2,112.4777,24.82078\n"
           "LZ-002,保安镇,工矿仓储用地,1.0,112.38667,24.91722\n")


def landgis(*args, cwd: Path, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landgis.cli", *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=cwd, preexec_fn=preexec, timeout=300)


def one_line_error(proc: subprocess.CompletedProcess, *expected: str) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    for word in expected:
        assert word in lines[0], lines[0]
    return lines[0]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- the library: staged, swapped whole --------------------------------------------------------------
def test_staged_folder_replaces_the_previous_one_whole(tmp_path):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "old.txt").write_text("previous", encoding="utf-8")
    forget_installed()
    with staged_folder(dest) as work:
        assert work.parent == tmp_path and work.name.startswith(".out.building-") and not (work / "old.txt").exists()
        (work / "new.txt").write_text("new", encoding="utf-8")
        assert _names(dest) == ["old.txt"]  # untouched until the block is done
    assert _names(dest) == ["new.txt"] and _names(tmp_path) == ["out"]
    assert installed() == [dest]
    assert stat.S_IMODE(dest.stat().st_mode) & 0o055 == 0o055 & ~_umask()  # readable by colleagues


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_staged_folder_that_fails_leaves_the_previous_one(tmp_path):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "old.txt").write_text("previous", encoding="utf-8")
    forget_installed()
    with pytest.raises(RuntimeError):
        with staged_folder(dest) as work:
            (work / "new.txt").write_text("half", encoding="utf-8")
            raise RuntimeError("a writer failed")
    assert _names(tmp_path) == ["out"] and _names(dest) == ["old.txt"] and installed() == []


# --- where an output may go --------------------------------------------------------------------------
def _specials(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    link_out = tmp_path / "stdout.csv"
    link_out.symlink_to("/proc/self/fd/1")
    (tmp_path / "real").mkdir()
    link_dir = tmp_path / "linked"
    link_dir.symlink_to(tmp_path / "real")
    out = {"fifo": fifo, "link to stdout": link_out, "link to a folder": link_dir}
    if os.geteuid() == 0:  # a device node needs root to make; /dev/null itself is never risked
        dev = tmp_path / "null.csv"
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        out["device"] = dev
    return out


def test_check_output_path_refuses_devices_fifos_and_links(tmp_path):
    specials = _specials(tmp_path)
    if os.geteuid() == 0:
        assert "device" in specials
    for kind in ("file", "folder"):
        for what, path in specials.items():
            with pytest.raises(InputError) as err:
                check_output_path(path, kind)
            assert str(path) in str(err.value) and "\n" not in str(err.value), what
    with pytest.raises(InputError, match="is a folder, not a file"):
        check_output_path(tmp_path / "real", "file")
    (tmp_path / "t.csv").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a regular file, not a folder"):
        check_output_path(tmp_path / "t.csv", "folder")
    assert check_output_path(tmp_path / "t.csv", "file") == tmp_path / "t.csv"
    assert check_output_path(tmp_path / "real", "folder") == tmp_path / "real"
    assert check_output_path(tmp_path / "new" / "x.csv", "file") == tmp_path / "new" / "x.csv"


def test_check_destination_refuses_what_a_swap_would_destroy(tmp_path, monkeypatch):
    atlas = tmp_path / "atlas"
    (atlas / "maps").mkdir(parents=True)
    (atlas / "manifest.json").write_text(json.dumps({"landgis_version": "0"}), encoding="utf-8")
    monkeypatch.chdir(atlas / "maps")
    ok = lambda folder: True  # noqa: E731 - every folder counts as an earlier output here
    for out in (".", "..", str(atlas)):  # the current folder, or one holding it
        with pytest.raises(InputError, match="is the current folder or holds it"):
            check_destination(out, earlier=ok, what="atlas")
    plan = tmp_path / "data" / "plan.txt"
    plan.parent.mkdir()
    plan.write_text("计划", encoding="utf-8")
    with pytest.raises(InputError, match="holds the input"):
        check_destination(tmp_path / "data", earlier=ok, what="atlas", inputs=[None, plan])
    building = tmp_path / ".atlas.building-1-x"
    with pytest.raises(InputError, match="a folder landgis builds an output in"):
        check_destination(building / "qa", earlier=ok, what="atlas")
    with pytest.raises(InputError, match="not an earlier atlas"):
        check_destination(tmp_path / "data", earlier=lambda f: False, what="atlas")
    assert check_destination(tmp_path / "new", earlier=ok, what="atlas", inputs=[plan]) == tmp_path / "new"


# --- the command: every --out -------------------------------------------------------------------------
@pytest.mark.parametrize("command", [
    ["plan", "--out", "{}"], ["web", "--out", "{}"], ["map", "--out", "{}"], ["qa", "ok.csv", "--out", "{}"],
    ["atlas", "--out", "{}"],
])
@pytest.mark.slow  # runs the landgis command in a new process
def test_every_out_refuses_devices_fifos_and_links(tmp_path, command):
    (tmp_path / "ok.csv").write_text(PARCELS, encoding="utf-8")
    specials = _specials(tmp_path)
    for what, path in specials.items():
        args = [a.replace("{}", path.name) for a in command]
        one_line_error(landgis(*args, cwd=tmp_path), path.name)
    assert stat.S_ISFIFO(os.lstat(specials["fifo"]).st_mode)
    assert os.readlink(specials["link to stdout"]) == "/proc/self/fd/1"
    assert _names(tmp_path / "real") == []
    if "device" in specials:
        assert stat.S_ISCHR(os.lstat(specials["device"]).st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.slow  # runs the landgis command in a new process
def test_atlas_out_inside_an_atlas_or_its_inputs_is_one_line(tmp_path):
    atlas = tmp_path / "atlas"
    (atlas / "maps").mkdir(parents=True)
    (atlas / "manifest.json").write_text(json.dumps({"landgis_version": "0"}), encoding="utf-8")
    one_line_error(landgis("atlas", "--out", ".", cwd=atlas), "是当前文件夹")
    one_line_error(landgis("atlas", "--out", "..", cwd=atlas / "maps"), "是当前文件夹")
    (atlas / "plan.txt").write_text("连州市2026年度国有建设用地供应计划\n", encoding="utf-8")
    one_line_error(landgis("atlas", "atlas/plan.txt", "--out", "atlas", cwd=tmp_path), "包含输入文件")
    one_line_error(landgis("atlas", "--out", ".atlas.building-4242-x/sub", cwd=tmp_path), "生成或暂存输出")
    one_line_error(landgis("qa", "../ok.csv", "--out", ".", cwd=atlas), "是当前文件夹")
    assert _names(tmp_path) == ["atlas"] and _names(atlas) == ["manifest.json", "maps", "plan.txt"]


@pytest.mark.slow  # runs the landgis command in a new process
def test_qa_out_is_replaced_whole(tmp_path):
    (tmp_path / "ok.csv").write_text(PARCELS, encoding="utf-8")
    first = landgis("qa", "ok.csv", "--out", "Q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "qa_map.html" in _names(tmp_path / "Q")
    second = landgis("qa", "ok.csv", "--out", "Q", "--no-map", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    # the previous run's map does not stay beside the new tables
    assert _names(tmp_path / "Q") == [".landgis-qa", "finding_groups.csv", "findings.csv", "findings.xlsx",
                                      "parcels.gpkg", "quota.csv", "quota.xlsx"]
    assert _names(tmp_path) == ["Q", "ok.csv"]
    assert "已写出 Q/parcels.gpkg" in second.stdout  # the place the files are in, not the one they were built in


@pytest.mark.slow  # runs the landgis command in a new process
def test_qa_out_of_an_unmarked_earlier_run_is_replaced_but_other_folders_are_refused(tmp_path):
    (tmp_path / "ok.csv").write_text(PARCELS, encoding="utf-8")
    (tmp_path / "Q").mkdir()
    for name in ("findings.csv", "qa_map.html"):  # what an earlier landgis left, before the mark
        (tmp_path / "Q" / name).write_text("old", encoding="utf-8")
    assert landgis("qa", "ok.csv", "--out", "Q", "--no-map", cwd=tmp_path).returncode == 0
    assert "qa_map.html" not in _names(tmp_path / "Q")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mine.docx").write_bytes(b"x")
    one_line_error(landgis("qa", "ok.csv", "--out", "docs", cwd=tmp_path), "docs", "不是以前生成的核查结果")
    assert _names(tmp_path / "docs") == ["mine.docx"]


def _file_size_limit(limit: int):
    import resource

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow  # runs the landgis command in a new process
def test_qa_that_fails_part_way_leaves_the_previous_result_whole(tmp_path):
    (tmp_path / "ok.csv").write_text(PARCELS, encoding="utf-8")
    assert landgis("qa", "ok.csv", "--out", "Q", cwd=tmp_path).returncode == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "Q").iterdir()}
    more = PARCELS + "".join(f"LZ-{i:04d},龙坪镇,工矿仓储用地,1.0,112.4777,24.82078\n" for i in range(3, 400))
    (tmp_path / "ok.csv").write_text(more, encoding="utf-8")
    proc = landgis("qa", "ok.csv", "--out", "Q", preexec=_file_size_limit(120_000), cwd=tmp_path)
    line = one_line_error(proc, "大小限制", "Q/")
    assert ".building-" not in line  # the file as the user will find it, not the folder it was built in
    assert {p.name: p.read_bytes() for p in (tmp_path / "Q").iterdir()} == before
    assert _names(tmp_path) == ["Q", "ok.csv"]


# --- an interrupt once the output is installed is success ----------------------------------------------
SIGNAL_CHILD = textwrap.dedent("""
    import os, signal, sys
    import landgis.folders as folders
    from landgis.cli import main

    sig, when, argv = getattr(signal, sys.argv[1]), sys.argv[2], sys.argv[3:]
    real_swap = folders.swap_into_place

    def profile(frame, event, arg):  # a real signal right after the rename that puts the new output in place
        if (frame.f_code is real_swap.__code__ and event == "c_return" and arg is os.replace
                and not frame.f_locals["work"].exists()):
            sys.setprofile(None)
            os.kill(os.getpid(), sig)

    def swap(work, dest):  # the real swap, with a signal sent before, during or after it
        if when == "before":
            os.kill(os.getpid(), sig)
        sys.setprofile(profile if when == "during" else None)
        try:
            real_swap(work, dest)
        finally:
            sys.setprofile(None)
        if when == "after":
            os.kill(os.getpid(), sig)
    folders.swap_into_place = swap
    sys.exit(main(argv))
""")



def _signalled(tmp_path: Path, sig: str, when: str, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SIGNAL_CHILD, sig, when, *argv], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=tmp_path, timeout=300)


@pytest.mark.slow  # runs the landgis command in a new process
@pytest.mark.parametrize("sig, when", [("SIGTERM", "during"), ("SIGINT", "during"), ("SIGTERM", "after")])
def test_qa_interrupted_after_its_output_is_installed_succeeds(tmp_path, sig, when):
    (tmp_path / "ok.csv").write_text(PARCELS, encoding="utf-8")
    proc = _signalled(tmp_path, sig, when, "qa", "ok.csv", "--out", "Q", "--no-map")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and "已写出 Q/quota.xlsx" in proc.stdout
    assert len(pd.read_csv(tmp_path / "Q" / "findings.csv", encoding="utf-8-sig")) > 0
    assert _names(tmp_path) == ["Q", "ok.csv"]


@pytest.mark.slow  # runs the landgis command in a new process
def test_qa_interrupted_before_the_swap_keeps_the_previous_result(tmp_path):
    (tmp_path / "ok.csv").write_text(PARCELS, encoding="utf-8")
    (tmp_path / "Q").mkdir()
    (tmp_path / "Q" / "qa_map.html").write_text("previous", encoding="utf-8")
    proc = _signalled(tmp_path, "SIGTERM", "before", "qa", "ok.csv", "--out", "Q", "--no-map")
    assert proc.returncode == 130 and "已中断" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert _names(tmp_path / "Q") == ["qa_map.html"] and _names(tmp_path) == ["Q", "ok.csv"]


@pytest.mark.slow  # runs the landgis command in a new process
def test_atlas_interrupted_during_the_final_swap_reports_success(tmp_path):
    dest = tmp_path / "atlas"
    dest.mkdir()
    (dest / "manifest.json").write_text(json.dumps({"landgis_version": "0"}), encoding="utf-8")
    proc = _signalled(tmp_path, "SIGTERM", "during", "atlas", "--out", "atlas", "--format", "png")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "已中断" not in proc.stderr and "报告：" in proc.stdout
    n = sum(1 for p in dest.rglob("*") if p.is_file())
    assert f"已写出 {n} 个文件到 atlas" in proc.stdout
    assert json.loads((dest / "manifest.json").read_text(encoding="utf-8"))["landgis_version"] != "0"
    assert _names(tmp_path) == ["atlas"]
