"""Spatial QA of parcels (地块) against the townships and the plan's quotas.

``qa(parcels)`` checks every parcel: is it inside the county, in the township it is booked under,
straddling a boundary, with a sound geometry, a unique id, a stated area that matches its shape,
coordinates that are plausible for China; then it reconciles the parcel area per township × category
with the plan's allocations. :func:`write_qa` writes the tables a planner opens; the QA map is
:func:`landgis.render.qa_map.write_qa_map`'s.

Modules: ``run`` (the pipeline) · ``checks`` (one function per family) · ``across`` (duplicates, overlaps) · ``quota`` · ``engines``
(local, dask) · ``result`` · ``labels`` · ``parcels`` (reading) · ``locate`` (the township index) ·
``pg_connect`` · ``pg_relation`` · ``pg_read`` · ``pg_write`` (PostGIS) · ``postgis_chunks`` (PostGIS on dask).
"""

from __future__ import annotations

from landgis.qa.labels import FINDING_COLUMNS, KIND_LABELS, KIND_LABELS_EN, SEVERITIES, SEVERITY_OF
from landgis.qa.quota import QUOTA_COLUMNS
from landgis.qa.result import ADDED_COLUMNS, QAResult, format_summary, write_qa
from landgis.qa.run import qa

__all__ = ["qa", "QAResult", "write_qa", "format_summary", "SEVERITIES", "SEVERITY_OF", "KIND_LABELS",
           "KIND_LABELS_EN", "FINDING_COLUMNS", "QUOTA_COLUMNS", "ADDED_COLUMNS"]
