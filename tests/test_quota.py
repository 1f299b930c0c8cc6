"""Quotas by where parcels lie: drawn areas in the township holding them, shares for straddling parcels,
parcels outside the county, without geometry or repeated counted nowhere (and said so)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from landgis.crs import equal_area_crs, layer_centre
from landgis.qa import qa, write_qa


@pytest.fixture(scope="module")
def made(towns):
    """Parcels drawn in an equal-area CRS at known places, written in lon/lat."""
    crs = equal_area_crs(*layer_centre(towns.to_crs(4326).geometry))
    t = towns.to_crs(crs).set_index("name")
    lp = t.geometry["龙坪镇"].representative_point()
    ba = t.geometry["保安镇"].representative_point()
    # a point on the 保安镇–龙坪镇 boundary, for straddling squares
    edge = shapely.intersection(t.geometry["保安镇"].boundary, t.geometry["龙坪镇"].boundary)
    on = shapely.line_interpolate_point(shapely.get_geometry(shapely.line_merge(edge), 0), 0.5, normalized=True)
    xmin, ymin, xmax, ymax = t.total_bounds
    sq = lambda p, h: shapely.box(p.x - h, p.y - h, p.x + h, p.y + h)  # noqa: E731
    # slide the square across the line until 龙坪镇 holds just under half of it (shown as 50.0 %)
    lo_, hi_ = -60.0, 60.0
    share_lp = lambda d: shapely.area(shapely.intersection(sq(shapely.Point(on.x + d, on.y), 60),  # noqa: E731
                                                           t.geometry["龙坪镇"])) / (120 * 120)
    up = share_lp(hi_) > share_lp(lo_)
    for _ in range(80):
        mid = (lo_ + hi_) / 2
        if (share_lp(mid) < 0.5 - 1e-4) == up:
            lo_ = mid
        else:
            hi_ = mid
    straddle = sq(shapely.Point(on.x + (lo_ if up else hi_), on.y), 60)
    rows = [  # id, declared, category, stated ha, geometry
        ("A", "龙坪镇", "工矿仓储用地", 9.0, sq(lp, 50)),        # 1 ha drawn, 9 stated: 1 ha counts
        ("B", "龙坪镇", "工矿仓储用地", 1.0, sq(ba, 50)),        # declared 龙坪, lies in 保安
        ("C", "连州镇", "工矿仓储用地", 5.0, sq(shapely.Point(xmax + 5000, ymax + 5000), 50)),  # outside
        ("D", "连州镇", "工矿仓储用地", 5.0, None),              # no geometry
        ("E", "龙坪镇", "工矿仓储用地", 1.0, sq(lp, 50)),        # repeats A
        ("F", "龙坪镇", "工矿仓储用地", 1.44, straddle),        # across the 保安/龙坪 line
    ]
    gdf = gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "所属乡镇": [r[1] for r in rows],
                            "用地类型": [r[2] for r in rows], "面积（公顷）": [r[3] for r in rows]},
                           geometry=[r[4] for r in rows], crs=crs).to_crs(4490)
    shares = {n: shapely.area(shapely.intersection(straddle, t.geometry[n])) / straddle.area for n in ("保安镇", "龙坪镇")}
    return gdf, shares


def test_booked_where_parcels_lie(made, towns, plan, tmp_path):
    gdf, shares = made
    path = tmp_path / "p.gpkg"
    gdf.to_file(path, engine="pyogrio")
    r = qa(path, towns, plan, county="441882")
    q = r.quota.set_index(["township", "category"])
    lp, ba = q.loc[("龙坪镇", "工矿仓储用地")], q.loc[("保安镇", "工矿仓储用地")]
    f_area = r.parcels.set_index("parcel_id")["area_ha"]
    assert lp["booked_ha"] == pytest.approx(f_area["A"] + f_area["F"] * shares["龙坪镇"], rel=1e-4)
    assert ba["booked_ha"] == pytest.approx(f_area["B"] + f_area["F"] * shares["保安镇"], rel=1e-4)
    assert ("连州镇", "工矿仓储用地") not in q.index or q.loc[("连州镇", "工矿仓储用地"), "booked_ha"] == 0
    # the declared township and stated area stay, as second columns
    assert lp["declared_ha"] == pytest.approx(9.0 + 1.0 + 1.0 + 1.44)
    assert q.loc[("连州镇", "工矿仓储用地"), "declared_ha"] == pytest.approx(10.0)
    left = r.quota.attrs["left_out"]
    assert (left["outside"]["n"], left["no_geometry"]["n"], left["duplicate"]["n"]) == (1, 1, 1)
    assert r.summary["quota_left_out"] == left and "图形面积" in r.summary["quota_basis"]
    write_qa(r, tmp_path / "qa")
    header = (tmp_path / "qa" / "quota.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "未计入 3 宗：位于县界外 1 宗，无可用几何 1 宗，重复地块" in header


def test_even_straddle_is_a_warning_not_a_mismatch(made, towns):
    gdf, shares = made
    r = qa(gdf, towns, plan=False, county="441882")
    f = r.findings[r.findings["parcel_id"] == "F"].set_index("kind")
    seen = json.loads(f.loc["straddles_townships", "figures"])["shares"]["龙坪镇"]
    assert 0.4995 <= seen < 0.5  # less than half, yet 50.0 % as shown
    assert "township_mismatch" not in f.index
    # B, declared in 龙坪镇 and lying wholly in 保安镇, is a mismatch
    assert "township_mismatch" in set(r.findings.loc[r.findings["parcel_id"] == "B", "kind"])
