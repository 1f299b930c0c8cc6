"""Where the per-partition checks run: in this process (``local``) or on a dask.distributed cluster.

The dask engine never gathers rows, and no task holds more than a piece or a partition. Rows pass
from one stage to the next through Parquet files in a work folder (:mod:`landgis.qa.exchange`), not
through the cluster's shuffle, whose in-flight buffers grow with the data:

1. **read and key** the parcels in pieces (GeoParquet row groups, GeoPackage/Shapefile feature ranges,
   a GeoDataFrame's slices, PostGIS key or ``ctid`` ranges in one snapshot), each row keeping its input
   row number; each piece gets a Hilbert distance (``GeoSeries.hilbert_distance``, the curve
   dask-geopandas sorts by, over the township layer's extent; ties broken by the row so that no
   partition can swell), geometries as WKB, and is written sorted by it; the client cuts the curve
   into partitions of equal size from each piece's key quantiles, as ``spatial_shuffle`` does;
2. **partition spatially**: each partition reads its key range from every piece;
3. **check** every partition (every per-row check and the overlaps inside it); each task writes its
   rows and findings to Parquet, its ids and geometry hashes bucketed by hash, and returns only its
   sums per township × category and the grid cells its polygons touch;
4. **across partitions**: duplicate ids and geometries, one hash bucket per task; overlaps between
   partitions whose polygons touch the same cells of a 0.01° grid, on those polygons only (each
   partition is read once to pick them);
5. **assemble** each partition's per-parcel result and findings as partitioned (Geo)Parquet; with supply
   fields, each partition also adds up its parcels' part of the plan's execution (its records written in
   stage 3, less the repeats stage 4 found), and the client adds up those sums.

The client only adds up sums and counts, so its memory does not grow with the parcel count.
"""

from __future__ import annotations

import math
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from tqdm.auto import tqdm

from landgis.qa import exchange
from landgis.qa.across import duplicate_geometries, duplicate_ids, group_overlaps, overlaps
from landgis.qa.checks import Context, check_partition
from landgis.qa.cluster import cluster, gather
from landgis.qa.constraints import add_by_township, check_constraints, constraints_by_township
from landgis.qa.execution import combine_sums, execution_records, execution_sums
from landgis.qa.labels import FINDING_COLUMNS, GROUP_COLUMNS
from landgis.qa.parcels import geoparquet_pieces, is_geoparquet, read_geoparquet
from landgis.qa.postgis_chunks import ChunkPlan, read_chunk, retype
from landgis.qa.quota import booked, combine, contributions, repeats_taken_out
from landgis.qa.result import (
    parcel_table,
    per_row,
    read_findings_parquet,
    read_groups_parquet,
    sort_findings,
    write_findings_parquet,
    write_groups_parquet,
)
from landgis.shapefiles import shapefile_source

# dask (the dask extra) is imported inside functions: the local engine does not need it.

__all__ = ["run_local", "run_dask", "publish", "DaskRun", "PARTITION_ROWS"]

#: Rows per partition of the dask engine (what bounds a worker's memory).
PARTITION_ROWS = 200_000

CHUNK = 100_000


def chunks(n: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) spans of ``size`` rows covering ``n`` rows (one empty span for none)."""
    return [(s, min(n, s + size)) for s in range(0, n, size)] or [(0, 0)]


def run_local(gdf: gpd.GeoDataFrame, ctx: Context, progress: bool = False):
    """Check ``gdf`` (index = input rows) in chunks of :data:`CHUNK` rows; (added, findings)."""

    parts, findings = [], []
    spans = chunks(len(gdf), CHUNK)
    for s, e in tqdm(spans, desc="QA", unit="chunk", disable=not progress or len(spans) < 2):
        added, found = check_partition(gdf.iloc[s:e], ctx)
        parts.append(added)
        findings.extend(found)
    return pd.concat(parts), findings




# --- dask ------------------------------------------------------------------------------------------
@dataclass
class DaskRun:
    """What the dask engine wrote and added up."""

    parcels_path: Path
    findings_path: Path
    booked: pd.DataFrame
    n_parcels: int = 0
    n_with_findings: int = 0
    by_kind: dict = field(default_factory=dict)
    by_severity: dict = field(default_factory=dict)
    n_partitions: int = 0
    overlaps_within: int = 0
    overlaps_across: int = 0
    staging: Path | None = None
    border_parcels: int = 0
    timings: dict = field(default_factory=dict)
    #: With constraint layers: per township × layer, added up from the partitions' sums.
    constraints_by_township: pd.DataFrame | None = None
    #: The most constraint features one partition read (what bounds its memory beside its rows).
    constraint_features_read: int = 0
    #: With supply fields: the plan's execution added up from the partitions' sums
    #: (:func:`landgis.qa.execution.execution_sums`).
    execution_sums: dict | None = None


def _stable(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns as text (pandas ``str``), so every partition writes the same Parquet schema."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = pd.array([None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA
                                 else str(v) for v in out[col]], dtype="str")
    return out


# stage 1: pieces of the input, each a GeoDataFrame indexed by input row
def _pieces(source, layer, crs, partition_rows: int, work: Path | None = None):
    import dask

    if isinstance(source, ChunkPlan):
        return _postgis_pieces(source, crs, partition_rows, work)
    if isinstance(source, gpd.GeoDataFrame):
        spans = chunks(len(source), partition_rows)
        return [source.iloc[s:e] for s, e in spans], len(source)
    path = Path(source)
    if is_geoparquet(path):
        groups, current, size = [], [], 0
        offsets, total = [], 0
        for piece in geoparquet_pieces(path):
            if current and size + piece[2] > partition_rows:
                groups.append(current)
                offsets.append(total - size)
                current, size = [], 0
            current.append(piece)
            size += piece[2]
            total += piece[2]
        if current:
            groups.append(current)
            offsets.append(total - size)

        def read(group, offset, crs_=crs):
            gdf = read_geoparquet(group)
            gdf.index = pd.RangeIndex(offset, offset + len(gdf))
            return gdf if gdf.crs is not None or crs_ is None else gdf.set_crs(crs_)

        return [dask.delayed(read)(g, o) for g, o in zip(groups, offsets)], total
    return _vector_pieces(path, layer, crs, partition_rows)


def _vector_pieces(path: Path, layer, crs, partition_rows: int):
    """Lazy feature ranges of a vector file, read with pyogrio (encodings detected like load_parcels)."""
    import dask

    src, encoding = shapefile_source(path)
    if layer is None and path.suffix.lower() == ".gpkg":
        layers = [name for name, geom in pyogrio.list_layers(path) if geom]
        layer = layers[0] if len(layers) == 1 else layer
    n = pyogrio.read_info(src, layer=layer, encoding=encoding)["features"]

    def read(offset, count, crs_=crs):
        df = pyogrio.read_dataframe(src, layer=layer, encoding=encoding, skip_features=offset, max_features=count)
        df.index = pd.RangeIndex(offset, offset + len(df))
        return df if df.crs is not None or crs_ is None else df.set_crs(crs_)

    return [dask.delayed(read)(s, e - s) for s, e in chunks(n, partition_rows)], n


def _postgis_pieces(plan, crs, partition_rows: int, work: Path):
    """Lazy chunks of a PostGIS table, each read by a worker in the client's snapshot
    (:mod:`landgis.qa.postgis_chunks`); a query (``--sql``) or view is streamed by the client into
    GeoParquet in ``work`` first, one chunk at a time, and read back by row groups."""
    import dask

    if plan.streamed:
        pieces, n = _pieces(plan.stream(work / "postgis", partition_rows), None, crs, partition_rows)
        return [dask.delayed(retype)(p, plan.spec) for p in pieces], n
    return [dask.delayed(read_chunk)(plan.spec, i) for i in range(len(plan.spec.chunks))], plan.n


# stage 1 (cont.) and 2: the spatial key, geometries as WKB; each piece written sorted by the key
_SPREAD = np.uint64(2654435761)  # Knuth's multiplicative hash: rows without geometry spread over partitions


def _keyed(piece: gpd.GeoDataFrame, bounds, crs) -> pd.DataFrame:
    if piece.crs is None and crs is not None:
        piece = piece.set_crs(crs)
    rows = piece.index.to_numpy(dtype=np.int64)
    geoms = np.asarray(piece.geometry.values, dtype=object)
    usable = ~pd.isna(pd.Series(geoms, dtype=object)).to_numpy()
    usable[usable] = ~shapely.is_empty(geoms[usable])
    curve = (rows.astype(np.uint64) * _SPREAD) % np.uint64(2**32)
    if usable.any():
        h = gpd.GeoSeries(geoms[usable]).hilbert_distance(total_bounds=bounds, level=16)
        curve[usable] = h.to_numpy().astype(np.uint64)
    key = (curve << np.uint64(24)) + (rows.astype(np.uint64) % np.uint64(2**24))
    df = _stable(pd.DataFrame(piece.drop(columns=piece.geometry.name)))
    df["_wkb"] = shapely.to_wkb(geoms)
    df["_qa_row"] = rows
    df["_hkey"] = key.astype(np.int64)
    return df.reset_index(drop=True)


def _key_stage(piece: gpd.GeoDataFrame, i: int, bounds, crs, work: Path, group_rows: int):
    """Key one piece and write it sorted by key; return its key quantiles (for the divisions)."""
    df = _keyed(piece, bounds, crs)
    exchange.write_sorted(df, "_hkey", work / "keyed" / f"piece.{i:05d}.parquet", group_rows)
    return exchange.key_sample(df["_hkey"].to_numpy())


# constraint layers (三区三线): stored once, sorted along a Hilbert curve with each feature's box, so that
# a partition reads only the row groups and features near its own parcels
_LAYER_GROUP_ROWS = 5_000


def _store_constraints(layers: dict, crs_area, work: Path) -> dict:
    """Each layer as Parquet in ``work/constraints`` (equal-area CRS, WKB and box columns); ``{name: path}``."""
    (work / "constraints").mkdir(exist_ok=True)
    paths = {}
    for i, (name, layer) in enumerate(layers.items()):
        lg = layer.to_crs(crs_area)
        geoms = np.asarray(lg.geometry.values, dtype=object)
        b = shapely.bounds(geoms)
        order = np.argsort(lg.geometry.hilbert_distance(level=16).to_numpy(), kind="stable")
        table = pd.DataFrame({"_pos": np.arange(len(lg)), "feature_id": lg["feature_id"].astype(str).to_numpy(),
                              "_wkb": shapely.to_wkb(geoms), "xmin": b[:, 0], "ymin": b[:, 1],
                              "xmax": b[:, 2], "ymax": b[:, 3]}).iloc[order]
        paths[name] = work / "constraints" / f"{i}.parquet"
        table.to_parquet(paths[name], index=False, row_group_size=_LAYER_GROUP_ROWS)
    return paths


def _near_features(path: Path, box) -> gpd.GeoDataFrame:
    """The features of a stored layer whose boxes meet ``box`` (row groups pruned by their statistics)."""
    x0, y0, x1, y1 = box
    df = pd.read_parquet(path, filters=[("xmax", ">=", x0), ("xmin", "<=", x1), ("ymax", ">=", y0),
                                        ("ymin", "<=", y1)]).sort_values("_pos")  # the layer's order, as local
    return gpd.GeoDataFrame({"feature_id": df["feature_id"].to_numpy(dtype=object)},
                            geometry=shapely.from_wkb(df["_wkb"].to_numpy(dtype=object)))


def _constraint_stage(added: pd.DataFrame, ctx: Context, spec, found: list, k: int, staging: Path) -> dict:
    """Overlap of one partition's parcels with each constraint layer: table to Parquet, findings to ``found``."""

    paths, rules = spec
    geoms = gpd.GeoSeries(added["geometry"].to_numpy(), crs=4326)
    polys = geoms[geoms.notna() & ~geoms.is_empty]
    box = tuple(polys.to_crs(ctx.crs_area).total_bounds) if len(polys) else None
    if box is None:  # no polygon to measure: no rows, no findings
        table = check_constraints(added, {}, rules, ctx.crs_area, found)
        _stable(table).to_parquet(staging / "constraints.parquet" / f"part.{k:05d}.parquet", index=False)
        return {"by_township": constraints_by_township(table), "features_read": 0}
    layers, read = {}, 0
    for name, path in paths.items():
        near = _near_features(path, box)
        layers[name] = near.set_crs(ctx.crs_area, allow_override=True)
        read = max(read, len(near))
    table = check_constraints(added, layers, rules, ctx.crs_area, found, threads=1)
    _stable(table).to_parquet(staging / "constraints.parquet" / f"part.{k:05d}.parquet", index=False)
    return {"by_township": constraints_by_township(table), "features_read": read}


# stage 3: per-partition checks
_ADDED = ("parcel_id", "id_text", "township_found", "area_ha", "geom_key")


def _check_stage(k: int, lo, hi, ctx: Context, crs, work: Path, nbuckets: int, constraints=None,
                 staging: Path | None = None, supply=None) -> dict:
    df = exchange.read_range(sorted((work / "keyed").glob("*.parquet")), "_hkey", lo, hi)
    if not len(df):
        return {"part": k, "n": 0}
    df = df.sort_values("_qa_row")
    rows = df["_qa_row"].to_numpy(dtype=np.int64)
    geoms = shapely.from_wkb(df["_wkb"].to_numpy(dtype=object))
    inputs = df.drop(columns=["_wkb", "_qa_row", "_hkey"], errors="ignore").set_axis(rows)
    del df
    part = gpd.GeoDataFrame(inputs, geometry=gpd.GeoSeries(geoms, index=rows), crs=crs)
    added, found = check_partition(part, ctx)
    within = overlaps(added, ctx, found)
    layered = _constraint_stage(added, ctx, constraints, found, k, staging) if constraints else None
    if supply:  # the parcels' part of the plan's execution; repeats are taken out in stage 5
        execution_records(added, inputs, *supply).to_parquet(work / "execution" / f"part.{k}.parquet", index=False)
    store = inputs.copy()
    for col in _ADDED:
        store[f"_qa_{col}"] = added[col].to_numpy()
    store["_qa_row"] = rows
    store["_qa_part"] = k
    store = gpd.GeoDataFrame(_stable(store), geometry=gpd.GeoSeries(added["geometry"].to_numpy(), index=rows),
                             crs=4326)
    store.to_parquet(work / "checked" / f"part.{k}.parquet", index=False)
    write_findings_parquet(found, work / "findings" / f"part={k}" / "checks.parquet")
    _write_duplicate_keys(store.assign(_qa_booked=contributions(added)), k, work, nbuckets)
    _, cells = _cells_of(np.asarray(store.geometry.values, dtype=object))
    # repeated geometries are taken out of the quota by the duplicates stage, across partitions
    return {"part": k, "n": len(part), "cells": np.unique(cells), "booked": booked(added), "within": within,
            "constraints": layered}


# stage 4: across partitions
_DUPLICATE_COLUMNS = ["_qa_row", "_qa_id_text", "_qa_parcel_id", "_qa_geom_key", "_qa_part"]


def _write_duplicate_keys(store: pd.DataFrame, k: int, work: Path, nbuckets: int) -> None:
    """Each kind's keys of partition k, bucketed by hash, for :func:`_duplicate_stage`."""
    keys = pd.DataFrame(store[[*_DUPLICATE_COLUMNS, "_qa_booked"]])
    for kind, col, sel in (("id", "_qa_id_text", keys["_qa_id_text"].fillna("") != ""),
                           ("geometry", "_qa_geom_key", keys["_qa_geom_key"].notna())):
        some = keys[sel.to_numpy()].reset_index(drop=True)
        some["_bucket"] = exchange.buckets(some[col], nbuckets)
        exchange.write_sorted(some, "_bucket", work / "duplicates" / kind / f"part.{k:05d}.parquet",
                              max(1_000, len(some) // max(1, 4 * nbuckets)))


def _duplicate_stage(kind: str, j: int, work: Path, staging: Path) -> int:
    df = exchange.read_range(sorted((work / "duplicates" / kind).glob("*.parquet")), "_bucket", j, j + 1)
    if not len(df):
        return 0
    df = df.sort_values("_qa_row").set_index("_qa_row")
    added = pd.DataFrame({"id_text": df["_qa_id_text"], "parcel_id": df["_qa_parcel_id"],
                          "geom_key": df["_qa_geom_key"]}, index=df.index)
    found: list = []
    members: list = []
    (duplicate_ids if kind == "id" else duplicate_geometries)(added, found, members)
    _write_by_part(found, df["_qa_part"], f"{kind}.{j}", work)
    if kind == "geometry":  # the second and later rows of a geometry count nowhere in the quota
        again = df["_qa_geom_key"].duplicated(keep="first").to_numpy()
        fix = repeats_taken_out(df.loc[again, "_qa_booked"].tolist())
        if len(fix):
            fix.to_parquet(work / "quota_repeats" / f"{j}.parquet", index=False)
        repeated = df.loc[again, ["_qa_part"]].reset_index()
        for k, rows in repeated.groupby("_qa_part"):  # for each partition's execution sums
            (work / "repeats" / f"part={int(k)}").mkdir(parents=True, exist_ok=True)
            rows[["_qa_row"]].to_parquet(work / "repeats" / f"part={int(k)}" / f"{j}.parquet", index=False)
    if members:
        m = members[0]
        write_groups_parquet(m, staging / "finding_groups.parquet" / f"{kind}.{j:05d}.parquet")
        parts = df["_qa_part"].reindex(m["row"].to_numpy()).to_numpy()
        for k in np.unique(parts):  # each partition's rows, for their per-parcel columns
            write_groups_parquet(m[parts == k], work / "members" / f"part={int(k)}" / f"{kind}.{j}.parquet")
    return len(found)


def _write_by_part(found: list, part_of: pd.Series, name: str, work: Path) -> None:
    if not found:
        return
    fdf = pd.DataFrame(found, columns=list(FINDING_COLUMNS))
    parts = part_of.reindex(fdf["row"].to_numpy()).to_numpy()
    for k in np.unique(parts):
        write_findings_parquet(fdf[parts == k], work / "findings" / f"part={int(k)}" / f"{name}.parquet")


_OVERLAP_COLUMNS = ["_qa_row", "_qa_parcel_id", "_qa_geom_key", "_qa_part", "geometry"]
_CELL = 0.01  # degrees: the grid that tells which partitions' polygons come near each other


def _cells_of(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position, cell id) for every grid cell the bounding box of each polygon touches."""
    ok = ~pd.isna(pd.Series(geoms, dtype=object)).to_numpy()
    ok[ok] = np.isin(shapely.get_type_id(geoms[ok]), (3, 6))
    pos = np.nonzero(ok)[0]
    if not len(pos):
        return pos, np.zeros(0, dtype=np.int64)
    b = shapely.bounds(geoms[pos])
    ix0, iy0 = np.floor(b[:, 0] / _CELL).astype(np.int64), np.floor(b[:, 1] / _CELL).astype(np.int64)
    nx = np.floor(b[:, 2] / _CELL).astype(np.int64) - ix0 + 1
    ny = np.floor(b[:, 3] / _CELL).astype(np.int64) - iy0 + 1
    count = nx * ny
    rep = np.repeat(np.arange(len(pos)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    ix, iy = ix0[rep] + offset % nx[rep], iy0[rep] + offset // nx[rep]
    return pos[rep], (ix + 20_000) * 100_000 + (iy + 20_000)


def _border_stage(i: int, shared: dict, work: Path) -> int:
    """Write, for each neighbouring partition j, the polygons of partition i in the cells both touch."""
    g = gpd.read_parquet(work / "checked" / f"part.{i}.parquet", columns=_OVERLAP_COLUMNS)
    pos, cells = _cells_of(np.asarray(g.geometry.values, dtype=object))
    n = 0
    for j, common in shared.items():
        near = np.unique(pos[np.isin(cells, common)])
        if len(near):
            g.iloc[near].to_parquet(work / "near" / f"{i}.{j}.parquet", index=False)
            n += len(near)
    return n


def _near(path: Path) -> pd.DataFrame:
    g = gpd.read_parquet(path)
    return pd.DataFrame({"parcel_id": g["_qa_parcel_id"].to_numpy(), "geom_key": g["_qa_geom_key"].to_numpy(),
                         "geometry": g.geometry.to_numpy(), "_qa_part": g["_qa_part"].to_numpy()},
                        index=g["_qa_row"].to_numpy())


def _across_stage(i: int, j: int, ctx: Context, work: Path) -> int:
    """Overlaps between the border polygons of partitions i and j."""
    pa, pb = work / "near" / f"{i}.{j}.parquet", work / "near" / f"{j}.{i}.parquet"
    if not (pa.exists() and pb.exists()):
        return 0
    a, b = _near(pa), _near(pb)
    found: list = []
    n = overlaps(a, ctx, found, other=b)
    _write_by_part(found, pd.concat([a["_qa_part"], b["_qa_part"]]), f"across.{i}.{j}", work)
    return n


# stage 5: each partition's result
def _assemble_stage(k: int, work: Path, staging: Path) -> dict:
    checked = gpd.read_parquet(work / "checked" / f"part.{k}.parquet")
    rows = checked["_qa_row"].to_numpy(dtype=np.int64)
    fdf, around = group_overlaps(read_findings_parquet(sorted((work / "findings" / f"part={k}").glob("*.parquet"))))
    fdf = sort_findings(fdf, int(rows.max()) + 1 if len(rows) else 0)
    if len(around):
        write_groups_parquet(around, staging / "finding_groups.parquet" / f"overlaps.{k:05d}.parquet")
    added = pd.DataFrame({c: checked[f"_qa_{c}"].to_numpy() for c in ("parcel_id", "township_found", "area_ha")},
                         index=rows)
    added["geometry"] = checked.geometry.to_numpy()
    inputs = checked.drop(columns=[c for c in checked.columns if c.startswith("_qa_")] + [checked.geometry.name])
    members = read_groups_parquet(sorted((work / "members" / f"part={k}").glob("*.parquet")))
    table = parcel_table(inputs.set_axis(rows), added, per_row(fdf, members))
    table = gpd.GeoDataFrame(_stable(table.drop(columns="geometry")), geometry=table.geometry, crs=4326)
    table.to_parquet(staging / "parcels.parquet" / f"part.{k:05d}.parquet", index=False)
    write_findings_parquet(fdf, staging / "findings.parquet" / f"part.{k:05d}.parquet", labels=True)
    return {"n_with_findings": int((table["n_findings"] > 0).sum()),
            "by_kind": fdf["kind"].value_counts().to_dict(),
            "by_severity": fdf["severity"].value_counts().to_dict(),
            "execution": _execution_stage(k, work)}


def _execution_stage(k: int, work: Path) -> dict | None:
    """Partition k's sums of the plan's execution: its records less the rows repeating a geometry of
    another row (in any partition), as the local engine leaves them out; None without supply fields."""
    path = work / "execution" / f"part.{k}.parquet"
    if not path.exists():
        return None
    records = pd.read_parquet(path)
    repeats = sorted((work / "repeats" / f"part={k}").glob("*.parquet"))
    if repeats:
        again = pd.concat([pd.read_parquet(f) for f in repeats])["_qa_row"].to_numpy()
        records = records[~records["row"].isin(again)]
    return execution_sums(records)


def _empty_part(sample: gpd.GeoDataFrame, ctx: Context, staging: Path) -> None:
    """No parcels at all: one empty part with a checked part's columns, so the result reads as any other."""

    empty = sample.head(0)
    added, _ = check_partition(empty, ctx)
    inputs = pd.DataFrame(empty.drop(columns=empty.geometry.name))
    table = parcel_table(inputs, added, per_row(read_findings_parquet([])))
    table = gpd.GeoDataFrame(_stable(table.drop(columns="geometry")), geometry=table.geometry, crs=4326)
    table.to_parquet(staging / "parcels.parquet" / "part.00000.parquet", index=False)


def run_dask(source, ctx: Context, out_dir, sample: gpd.GeoDataFrame, *, crs=None, layer=None, scheduler=None,
             progress: bool = False, partition_rows: int = PARTITION_ROWS, constraints=None,
             supply=None) -> DaskRun:
    """Check parcels on a dask.distributed cluster, partition by partition, without gathering rows.

    Parameters
    ----------
    source : geopandas.GeoDataFrame or str or pathlib.Path or landgis.qa.postgis_chunks.ChunkPlan
        Parcels, or a GeoParquet file/folder, GeoPackage, Shapefile … read piece by piece on the workers,
        or an open plan of PostGIS chunks (the caller keeps it open until this returns).
    ctx : Context
    out_dir : str or pathlib.Path
        ``parcels.parquet/`` and ``findings.parquet/`` are staged here (workers must see this path);
        :func:`publish` moves them into place.
    sample : geopandas.GeoDataFrame
        A few rows as read: the stages read their own pieces; with no parcels at all, its columns
        make the one empty part.
    crs : optional
        CRS of parcels that carry none.
    layer : str, optional
        Layer of a GeoPackage.
    scheduler : str or distributed.Client, optional
        Default: a new LocalCluster of 2 worker processes.
    progress : bool
    partition_rows : int
        Rows per partition.
    constraints : tuple, optional
        ``(layers, rules)`` as :func:`landgis.qa.constraints.check_constraints` takes them: each partition
        reads the features near its parcels and writes its rows to ``constraints.parquet/``.
    supply : tuple, optional
        ``(fields, year)``: the supply date and method columns (:func:`landgis.qa.execution.find_supply_fields`)
        and the plan's year; the partitions' sums of the plan's execution are added up in
        ``DaskRun.execution_sums``.

    Returns
    -------
    DaskRun
    """
    ctx.threads = 1  # the cluster already runs a task on each core
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    work, staging = out / f".qa-work-{token}", out / f".qa-staging-{token}"
    for d in (work / "keyed", work / "checked", work / "findings", work / "near", work / "duplicates",
              work / "quota_repeats", work / "execution", work / "repeats", staging / "parcels.parquet", staging / "findings.parquet",
              staging / "finding_groups.parquet", *([staging / "constraints.parquet"] if constraints else [])):
        d.mkdir(parents=True)
    try:
        with cluster(scheduler) as client:
            return _stages(source, ctx, out, sample, work, staging, client, crs, layer, progress, partition_rows,
                           constraints, supply)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # nothing half-written is left behind
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stages(source, ctx, out, sample, work, staging, client, crs, layer, progress, partition_rows,
            constraints=None, supply=None) -> DaskRun:
    import dask

    t0, timings = time.perf_counter(), {}
    stored = (_store_constraints(constraints[0], ctx.crs_area, work), constraints[1]) if constraints else None
    pieces, n = _pieces(source, layer, crs, partition_rows, work)
    nparts = max(1, math.ceil(n / partition_rows))
    bounds = _extent(ctx, crs)
    group_rows = max(1_000, partition_rows // (4 * nparts))  # a partition reads ~4 row groups of a piece
    samples = gather(client, [dask.delayed(_key_stage)(p, i, bounds, crs, work, group_rows)
                               for i, p in enumerate(pieces)], progress)
    timings["read_and_key"] = time.perf_counter() - t0

    cuts = [None, *exchange.divisions(samples, nparts).tolist(), None]
    ctx_d = dask.delayed(ctx, traverse=False)
    stats = gather(client, [dask.delayed(_check_stage)(k, cuts[k], cuts[k + 1], ctx_d, crs, work, nparts, stored,
                                                       staging, supply) for k in range(nparts)], progress)
    stats = [s for s in stats if s["n"]]
    shutil.rmtree(work / "keyed")  # every partition has its rows: the pieces are no longer needed
    timings["partition_and_check"] = time.perf_counter() - t0

    jobs = [dask.delayed(_duplicate_stage)(kind, j, work, staging) for kind in ("id", "geometry") for j in range(nparts)]
    shared: dict = {}
    for a, si in enumerate(stats):
        for sj in stats[a + 1:]:
            common = np.intersect1d(si["cells"], sj["cells"], assume_unique=True)
            if len(common):
                shared.setdefault(si["part"], {})[sj["part"]] = common
                shared.setdefault(sj["part"], {})[si["part"]] = common
    border = [dask.delayed(_border_stage)(i, nb, work) for i, nb in shared.items()]
    counts = gather(client, jobs + border, progress)
    shutil.rmtree(work / "duplicates")
    timings["duplicates_and_borders"] = time.perf_counter() - t0
    pairs = sorted({(min(i, j), max(i, j)) for i, nb in shared.items() for j in nb})
    across = gather(client, [dask.delayed(_across_stage)(i, j, ctx_d, work) for i, j in pairs], progress)
    timings["overlaps_across"] = time.perf_counter() - t0

    done = gather(client, [dask.delayed(_assemble_stage)(s["part"], work, staging) for s in stats], progress)
    if not stats:
        _empty_part(sample, ctx, staging)
    timings["assemble"] = time.perf_counter() - t0

    repeats = [pd.read_parquet(f) for f in sorted((work / "quota_repeats").glob("*.parquet"))]
    run = DaskRun(parcels_path=out / "parcels.parquet", findings_path=out / "findings.parquet",
                  booked=combine([s["booked"] for s in stats] + repeats), n_parcels=int(sum(s["n"] for s in stats)),
                  n_partitions=len(stats), overlaps_within=int(sum(s["within"] for s in stats)),
                  overlaps_across=int(sum(across)), border_parcels=int(sum(counts[len(jobs):])),
                  timings={k: round(v, 2) for k, v in timings.items()})
    if supply:
        run.execution_sums = combine_sums([d["execution"] for d in done if d["execution"] is not None])
    for d in done:
        run.n_with_findings += d["n_with_findings"]
        for key in ("by_kind", "by_severity"):
            for k, v in d[key].items():
                getattr(run, key)[k] = getattr(run, key).get(k, 0) + int(v)
    if constraints:

        run.constraints_by_township = add_by_township([s["constraints"]["by_township"] for s in stats])
        run.constraint_features_read = max((s["constraints"]["features_read"] for s in stats), default=0)
    run.staging = staging
    return run


def publish(run: DaskRun) -> None:
    """Move the staged ``parcels.parquet/``, ``findings.parquet/`` and ``finding_groups.parquet/`` into
    place (replacing old ones)."""
    staging = run.staging
    for name in ("parcels.parquet", "findings.parquet", "finding_groups.parquet", "constraints.parquet"):
        target = staging.parent / name
        if not (staging / name).exists():  # constraints.parquet: only with constraint layers
            continue
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        (staging / name).rename(target)
    shutil.rmtree(staging, ignore_errors=True)


def _extent(ctx: Context, crs):
    """The township layer's extent in the parcels' CRS (the Hilbert curve's square)."""

    towns = gpd.GeoSeries(list(ctx.towns_area), crs=ctx.crs_area)
    target = CRS.from_user_input(crs) if crs is not None else CRS.from_epsg(4490)
    return towns.to_crs(target).total_bounds
