"""The README's quick start, first line, on a clean clone in a fresh venv: the atlas appears."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APT = "sudo apt-get install -y python3-venv && "


def _first_line() -> str:
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", ROOT.joinpath("README.md").read_text("utf-8"), re.S)
    return block.group(1).splitlines()[0].split("   #")[0].strip()


def test_the_first_line_installs_the_venv_package_then_uses_a_venv():
    line = _first_line()
    assert line.startswith(APT) and "python3 -m venv .venv" in line and ".venv/bin/landgis atlas" in line


@pytest.mark.slow
def test_quick_start_first_line_builds_the_atlas_from_a_clean_clone(tmp_path):
    """Runs the line as written, less the apt step (checked installed: this test does not install system packages)."""
    if not shutil.which("git"):
        pytest.fail("git is needed to clone the working tree (apt-get install git)")
    state = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "python3-venv"], capture_output=True, text=True)
    assert "install ok installed" in state.stdout, "python3-venv is not installed (the README's apt step)"
    clone = tmp_path / "landgis"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=300)
    line = _first_line()[len(APT):]
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    r = subprocess.run(["bash", "-c", line], cwd=clone, env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    atlas = clone / "maps" / "lianzhou-2026"
    assert (atlas / "index.html").is_file() and (atlas / "报告.docx").is_file()
    manifest = json.loads((atlas / "manifest.json").read_text("utf-8"))
    assert len(manifest["outputs"]) >= 30
    # the venv's landgis is the clone's, not the editable one of the test run
    where = subprocess.run([str(clone / ".venv/bin/python"), "-c", "import landgis; print(landgis.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert str(clone / ".venv") in where
    # the core install classifies without mapclassify and what it brought (scipy, scikit-learn: 195 MB)
    heavy = subprocess.run([str(clone / ".venv/bin/python"), "-c", "import importlib.util as u; print([m for m in "
                            "('mapclassify', 'scipy', 'sklearn', 'networkx') if u.find_spec(m)])"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert heavy.strip() == "[]"


@pytest.mark.slow
def test_the_wheel_carries_the_font_and_its_licence(tmp_path):
    import sys
    import zipfile

    clone = tmp_path / "landgis"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=300)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "wh"), str(clone)],
                   check=True, timeout=600)
    (wheel,) = (tmp_path / "wh").glob("landgis-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "landgis/render/fontdata/NotoSansCJKsc-Regular.otf" in names and "landgis/render/fontdata/OFL.txt" in names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert not any("mplfonts" in r for r in requires) and 'Requires-Dist: pyarrow>=14; extra == "parquet"' in requires
    assert "Requires-Dist: jenkspy>=0.4.1" in requires and 'Requires-Dist: mapclassify>=2.6; extra == "test"' in requires
    assert not any(r.split()[1].startswith(("mapclassify", "scipy", "scikit-learn")) for r in requires if "extra ==" not in r)
