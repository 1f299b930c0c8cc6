"""Parcel overlaps (``overlaps_parcel``): inside, containing, partial; touching and duplicates are not overlaps."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
import shapely.affinity

from landgis.county import registry
from landgis.qa import qa
from landgis.qa.across import MANY_OVERLAPS, overlaps
from landgis.qa.checks import Context, check_partition
from test_qa import _area_crs, _inside


def _overlap_cases(towns, name="九陂镇"):
    """Squares in metres around a point inside ``name``: (GeoDataFrame in EPSG:4490, expectations)."""
    crs = _area_crs(towns)
    c = gpd.GeoSeries([_inside(towns, name)], crs=4326).to_crs(crs).iloc[0]
    x, y = c.x, c.y
    sq = lambda x0, y0, x1, y1: shapely.box(x + x0, y + y0, x + x1, y + y1)  # noqa: E731
    rows = [
        ("BIG", sq(0, 0, 100, 100)),          # 1 ha
        ("IN", sq(20, 20, 40, 40)),           # 400 m² inside BIG
        ("HALF", sq(50, 50, 150, 150)),       # 50 × 50 = 2500 m² of it in BIG
        ("TOUCH", sq(100, -100, 200, 0)),     # corner-touches BIG: no finding
        ("NEXT", sq(-100, 0, 0, 100)),        # shares BIG's west edge: no finding
        ("ABOVE", sq(-100.5, 100, 0, 200)),    # on top of NEXT and touching BIG's corner: none
        ("DUP", sq(300, 300, 350, 350)),
        ("DUP2", sq(300, 300, 350, 350)),     # exact duplicate: duplicate_geometry, not an overlap
        ("TINY", sq(349.5, 300, 400, 350)),    # 0.5 m × 50 m = 25 m² with both DUPs
    ]
    gdf = gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "所属乡镇": name}, geometry=[r[1] for r in rows],
                           crs=crs).to_crs(4490)
    return gdf


@pytest.fixture(scope="module")
def found(towns):
    r = qa(_overlap_cases(towns), towns, False, county="441882")
    f = r.findings[r.findings["kind"] == "overlaps_parcel"].copy()
    f["fig"] = [json.loads(x) for x in f["figures"]]
    return r, f


def test_inside_containing_and_partial_overlaps(found):
    r, f = found
    pairs = {(p, d["other"]): d for p, d in zip(f["parcel_id"], f["fig"])}
    assert pairs[("IN", "BIG")]["relation"] == "inside"
    assert pairs[("BIG", "IN")]["relation"] == "contains"
    assert pairs[("IN", "BIG")]["overlap_m2"] == pytest.approx(400, rel=1e-3)
    assert pairs[("IN", "BIG")]["share"] == pytest.approx(1.0, abs=1e-6)
    assert pairs[("HALF", "BIG")]["relation"] == "partial"
    assert pairs[("HALF", "BIG")]["overlap_m2"] == pytest.approx(2500, rel=1e-3)
    assert pairs[("BIG", "HALF")]["share"] == pytest.approx(0.25, rel=1e-3)
    assert pairs[("IN", "BIG")]["other_row"] == 1  # the other parcel's 1-based input row
    msg = f.loc[f["parcel_id"] == "IN", "message"].iloc[0]
    assert msg.startswith("位于地块 BIG 内") and "400.0 平方米" in msg


def test_touching_and_duplicates_are_not_overlaps(found):
    r, f = found
    ids = set(f["parcel_id"])
    assert not {"TOUCH", "NEXT", "ABOVE"} & ids
    dup = r.findings[r.findings["parcel_id"].isin(["DUP", "DUP2"])]
    assert set(dup["kind"]) == {"duplicate_geometry", "overlaps_parcel"}  # the duplicates overlap TINY only
    assert set(f.loc[f["parcel_id"] == "DUP", "fig"].map(lambda d: d["other"])) == {"TINY"}
    assert sorted(f.loc[f["parcel_id"] == "TINY", "fig"].map(lambda d: d["other"])) == ["DUP", "DUP2"]
    assert r.parcels.set_index("parcel_id").loc["IN", "worst_severity"] == "warning"


def test_tolerance_and_other_partition(towns):
    gdf = _overlap_cases(towns)
    r = qa(gdf, towns, False, county="441882", overlap_tolerance=30.0)  # TINY's 25 m² is within the tolerance
    assert "TINY" not in set(r.findings.loc[r.findings["kind"] == "overlaps_parcel", "parcel_id"])
    # Pairs across two frames only (the dask engine's border pass): BIG/IN/HALF vs the rest.
    ctx = Context(towns, {"id": "地块编号", "township": None, "category": None, "area": None}, None, 0.05, None, [],
                  registry=registry("441882"))
    added, _ = check_partition(gdf, ctx)
    out: list = []
    assert overlaps(added.iloc[:2], ctx, out, other=added.iloc[2:]) == 1  # IN×HALF do not meet; BIG×HALF does
    assert {(f["parcel_id"], json.loads(f["figures"])["other"]) for f in out} == {("BIG", "HALF"), ("HALF", "BIG")}


def test_pairs_of_intersecting_polygons_are_limited(towns, monkeypatch):
    """300 shifted copies of one square: 44,850 pairs; beyond the limit QA stops in one line, before
    measuring every pair (8,000 copies would be 32 million)."""
    from landgis.errors import LimitError

    base = _overlap_cases(towns).geometry.iloc[0]
    gdf = gpd.GeoDataFrame({"地块编号": [f"C{i}" for i in range(300)]},
                           geometry=[shapely.affinity.translate(base, i * 1e-7, 0) for i in range(300)], crs=4490)
    monkeypatch.setenv("LANDGIS_LIMIT_OVERLAP_PAIRS", "40000")
    with pytest.raises(LimitError, match="LANDGIS_LIMIT_OVERLAP_PAIRS"):
        qa(gdf, towns, False, county="441882")
    monkeypatch.setenv("LANDGIS_LIMIT_OVERLAP_PAIRS", "50000")
    r = qa(gdf, towns, False, county="441882")
    # each copy overlaps the 299 others: one finding per parcel for its group, not one per pair
    f = r.findings[r.findings["kind"] == "overlaps_parcel"]
    assert len(f) == 300 and f["row"].tolist() == list(range(300))
    fig = json.loads(f["figures"].iloc[0])
    assert fig["group"] == "overlaps_parcel:1" and fig["group_size"] == 299
    assert f["message"].iloc[0].startswith("与 299 个地块重叠（C1、C2、C3、C4、C5等；名单见 finding_groups.csv）")
    g = r.groups[r.groups["group"] == "overlaps_parcel:1"]
    assert g["row"].tolist() == list(range(1, 300)) and set(g["group_size"]) == {299}
    assert (r.parcels["n_findings"] == 1).all()  # an overlap group's members count their own finding only


def test_8000_parcels_at_one_coordinate(towns):
    """The input that ran out of memory (each duplicate finding listed the 7,999 others): one finding."""
    pt = towns.to_crs(4490).geometry.iloc[0].representative_point()
    gdf = gpd.GeoDataFrame({"地块编号": [f"P{i}" for i in range(8000)]}, geometry=[pt] * 8000, crs=4490)
    r = qa(gdf, towns, False, county="441882")
    dup = r.findings[r.findings["kind"] == "duplicate_geometry"]
    assert len(dup) == 1 and len(dup["message"].iloc[0]) < 200
    assert len(r.groups) == 8000 and set(r.groups["group_size"]) == {8000}
    assert (r.parcels["finding_kinds"].str.contains("duplicate_geometry")).all()


@pytest.mark.parametrize("n_inside", [MANY_OVERLAPS, MANY_OVERLAPS + 1])
def test_a_parcel_overlapping_many_gets_one_finding(towns, n_inside):
    """BIG holds n small parcels: up to MANY_OVERLAPS a finding per pair, beyond one for the group."""
    crs = _area_crs(towns)
    c = gpd.GeoSeries([_inside(towns, "九陂镇")], crs=4326).to_crs(crs).iloc[0]
    geoms = [shapely.box(c.x, c.y, c.x + 1000, c.y + 100)]
    geoms += [shapely.box(c.x + 60 * i, c.y + 10, c.x + 60 * i + 50, c.y + 60) for i in range(n_inside)]
    gdf = gpd.GeoDataFrame({"地块编号": ["BIG"] + [f"S{i}" for i in range(n_inside)]}, geometry=geoms,
                           crs=crs).to_crs(4490)
    r = qa(gdf, towns, False, county="441882")
    big = r.findings[(r.findings["kind"] == "overlaps_parcel") & (r.findings["parcel_id"] == "BIG")]
    small = r.findings[(r.findings["kind"] == "overlaps_parcel") & (r.findings["parcel_id"] != "BIG")]
    assert len(small) == n_inside  # each small parcel overlaps BIG only: its pair finding stays
    if n_inside <= MANY_OVERLAPS:
        assert len(big) == n_inside and len(r.groups) == 0
    else:
        fig = json.loads(big["figures"].iloc[0])
        assert len(big) == 1 and fig["group_size"] == n_inside
        assert fig["overlap_m2"] == pytest.approx(n_inside * 2500, rel=1e-3)
        assert sorted(r.groups["parcel_id"]) == sorted(f"S{i}" for i in range(n_inside))
