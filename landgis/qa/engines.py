"""Where the per-partition checks run: in this process (``local``) or on a dask.distributed cluster."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd

from landgis.qa.checks import Context, check_partition

__all__ = ["run_local", "run_dask"]

CHUNK = 100_000


def chunks(n: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) spans of ``size`` rows covering ``n`` rows (one empty span for none)."""
    return [(s, min(n, s + size)) for s in range(0, n, size)] or [(0, 0)]


def run_local(gdf: gpd.GeoDataFrame, ctx: Context, progress: bool = False):
    """Check ``gdf`` (index = input rows) in chunks of :data:`CHUNK` rows; (added, findings)."""
    from tqdm.auto import tqdm

    parts, findings = [], []
    spans = chunks(len(gdf), CHUNK)
    for s, e in tqdm(spans, desc="QA", unit="chunk", disable=not progress or len(spans) < 2):
        added, found = check_partition(gdf.iloc[s:e], ctx)
        parts.append(added)
        findings.extend(found)
    return pd.concat(parts), findings


def _vector_partitions(path: Path, layer, npartitions: int):
    """Lazy partitions of a vector file, read with pyogrio (encodings detected like load_parcels)."""
    import dask
    import pyogrio

    from landgis.shapefiles import shapefile_source

    src, encoding = shapefile_source(path)
    n = pyogrio.read_info(src, layer=layer, encoding=encoding)["features"]
    size = max(1, math.ceil(n / npartitions))

    def read(offset, count):
        df = pyogrio.read_dataframe(src, layer=layer, encoding=encoding, skip_features=offset,
                                    max_features=count)
        df.index = pd.RangeIndex(offset, offset + len(df))
        return df

    return [dask.delayed(read)(s, e - s) for s, e in chunks(n, size)], n


def run_dask(parcels, source_path, layer, crs, ctx: Context, scheduler, progress: bool, npartitions=None):
    """Check partitions on a dask.distributed cluster; (parcels, added, findings)."""
    import dask
    import dask_geopandas
    from distributed import Client, LocalCluster, progress as dask_progress

    own = None
    if scheduler is None:
        own = Client(LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None))
        client = own
    elif isinstance(scheduler, Client):
        client = scheduler
    else:
        own = client = Client(scheduler)
    try:
        nparts = npartitions or max(2, 2 * len(client.scheduler_info().get("workers", {})))
        if parcels is None:
            from landgis.shapefiles import shapefile_source

            path = Path(source_path)
            if shapefile_source(path)[1] not in (None, "UTF-8"):
                # dask_geopandas.read_file cannot pass an encoding: read GBK partitions ourselves.
                parts, _ = _vector_partitions(path, layer, nparts)
            else:
                parts = dask_geopandas.read_file(str(path), npartitions=nparts, layer=layer).to_delayed()
        else:
            ddf = dask_geopandas.from_geopandas(parcels, npartitions=nparts)
            parts = ddf.to_delayed()
        ctx_d = dask.delayed(ctx, traverse=False)

        keep_input = parcels is None

        def check(part, c, crs_=crs):
            if part.crs is None and crs_ is not None:
                part = part.set_crs(crs_)
            added, found = check_partition(part, c)
            return (part if keep_input else None), added, found

        futures = client.compute([dask.delayed(check)(p, ctx_d) for p in parts])
        if progress:
            dask_progress(futures)
        results = client.gather(futures)
    finally:
        if own is not None:
            cluster = getattr(own, "cluster", None)
            own.close()
            if cluster is not None:
                cluster.close()
    added = pd.concat([r[1] for r in results])
    findings = [f for r in results for f in r[2]]
    if parcels is None:
        parcels = pd.concat([r[0] for r in results])
        if not isinstance(parcels, gpd.GeoDataFrame):
            parcels = gpd.GeoDataFrame(parcels)
        if parcels.crs is None and crs is not None:
            parcels = parcels.set_crs(crs)
    return parcels, added, findings
