"""Plan × townships on the seed plan and the shipped layer."""

from __future__ import annotations

import pytest

from landgis.errors import InputError, LandgisError
from landgis.allocation import join
from landgis.names import UnknownTownshipError
from landgis.plan import SEED_PLAN


def test_one_row_per_township_in_layer_order(layer, towns):
    assert len(layer) == 12
    assert list(layer["name"]) == list(towns["name"])
    assert list(layer["code"]) == list(towns["code"])
    assert layer.crs == towns.crs
    assert layer.geometry.equals(towns.geometry)


def test_columns_are_the_contract(layer, plan):
    cats = plan.categories
    assert cats == ["公用设施用地", "商服用地", "住宅用地", "工矿仓储用地", "公园与绿地", "交通运输用地"]
    assert list(layer.columns) == ["code", "name", "name_en", "area_km2", *cats, "total", "density", "share", "geometry"]
    for col in [*cats, "total", "density", "share"]:
        assert layer[col].dtype == float, col


def test_hectares_are_the_plan_figures(layer, plan):
    by_name = layer.set_index("name")
    assert by_name.loc["龙坪镇", "工矿仓储用地"] == pytest.approx(23.011857)
    assert by_name.loc["东陂镇", "住宅用地"] == pytest.approx(0.0512)
    assert by_name.loc["三水瑶族乡", "公用设施用地"] == pytest.approx(0.1388)
    # Each township's total is the sum of its categories and matches the plan's stated total.
    for name, stated in plan.township_totals_ha.items():
        assert by_name.loc[name, "total"] == pytest.approx(float(stated), abs=1e-9), name
    # Township sums of the seed are 156.397524 ha, short of the stated 158.1793169 (reconcile reports that).
    assert layer["total"].sum() == pytest.approx(156.397524, abs=1e-9)


def test_township_with_nothing_is_kept_as_zero(layer):
    row = layer.set_index("name").loc["丰阳镇"]
    assert row["total"] == 0 and row["density"] == 0 and row["share"] == 0
    assert all(row[c] == 0 for c in layer.attrs["categories"])


def test_density_and_share_of_the_plans_total(layer):
    assert (layer["density"] == layer["total"] / layer["area_km2"]).all()
    # 占全市比例 is of the plan's stated 158.1793169 ha; the townships hold 156.397524 of it.
    assert layer["share"].sum() == pytest.approx(156.397524 / 158.1793169)
    top = layer.set_index("name")["share"].idxmax()
    assert top == "连州镇" and layer.set_index("name").loc[top, "share"] == pytest.approx(62.376199 / 158.1793169)


def test_attrs_keep_the_provenance_of_both_inputs(layer, plan, towns):
    attrs = layer.attrs
    assert attrs["plan"] is plan
    assert attrs["plan_source"] == str(SEED_PLAN)
    assert attrs["provenance"] == towns.attrs["provenance"]
    assert attrs["provenance"]["synthetic"] is True and "示意" in attrs["provenance"]["footnote"]
    assert attrs["place"] == "连州市" and attrs["year"] == 2026
    assert attrs["categories"] == plan.categories
    assert attrs["category_codes"] == {"公用设施用地": "0809", "商服用地": "05", "住宅用地": "07",
                                       "工矿仓储用地": "06", "公园与绿地": "0810", "交通运输用地": "10"}


def test_names_are_matched_through_normalisation(plan, towns):
    variant = towns.copy()
    variant["name"] = variant["name"].replace({"连州镇": "連州鎮", "瑶安瑶族乡": "瑶安瑶族乡人民政府"})
    out = join(plan, variant).set_index("name")
    assert out.loc["連州鎮", "total"] == pytest.approx(62.376199)
    assert out.loc["瑶安瑶族乡人民政府", "公用设施用地"] == pytest.approx(0.987772)


def test_plan_township_missing_from_layer_is_an_error_with_a_suggestion(plan, towns):
    wrong = towns.copy()
    wrong["name"] = wrong["name"].replace({"龙坪镇": "龙平镇"})
    with pytest.raises(UnknownTownshipError) as info:
        join(plan, wrong)
    msg = str(info.value)
    assert isinstance(info.value, LandgisError)
    assert "龙坪镇" in msg and "did you mean" in msg and "龙平镇" in msg
    assert str(SEED_PLAN.name) in msg


def test_plan_township_dropped_from_layer_is_not_silently_lost(plan, towns):
    with pytest.raises(UnknownTownshipError, match="东陂镇"):
        join(plan, towns[towns["name"] != "东陂镇"])


def test_repeated_layer_name_is_an_input_error(plan, towns):
    dup = towns.copy()
    dup.loc[dup["name"] == "西岸镇", "name"] = "西江镇"
    with pytest.raises(InputError, match="西江镇"):
        join(plan, dup)


def test_missing_area_is_computed_from_the_geometry(plan, towns):
    no_area = towns.drop(columns="area_km2")
    out = join(plan, no_area)
    # The shipped polygons are fitted to the published areas: within a few per cent.
    assert out["area_km2"].to_numpy() == pytest.approx(towns["area_km2"].to_numpy(), rel=0.05)
    assert not out["density"].isna().any()


def test_layer_without_names_is_an_input_error(plan, towns):
    with pytest.raises(InputError, match="name"):
        join(plan, towns.rename(columns={"name": "XZQMC"}))
