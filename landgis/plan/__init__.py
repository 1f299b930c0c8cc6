"""Land supply plans (土地供应计划): read the text, account for every figure, reconcile, export.

The steps, one module each: :mod:`~landgis.plan.read` (files → lines) · :mod:`~landgis.plan.mentions`
(every area figure) · :mod:`~landgis.plan.context` (what the words around it say) ·
:mod:`~landgis.plan.tables` · :mod:`~landgis.plan.assemble` (→ :class:`Plan` and its ledger) ·
:mod:`~landgis.plan.reconcile` · :mod:`~landgis.plan.export`.
Figures are kept exactly as printed (:class:`decimal.Decimal`, never float).
"""

from landgis.plan.assemble import parse_plan
from landgis.plan.model import SEED_PLAN, Finding, Plan, PlanParseError
from landgis.plan.reconcile import reconcile

__all__ = ["Plan", "PlanParseError", "Finding", "parse_plan", "reconcile", "SEED_PLAN"]
