"""Shared pytest fixtures.

``browser``: open a local HTML file in a real headless browser, offline
-----------------------------------------------------------------------
Every HTML output of landgis (the interactive map, the QA map, the atlas report) must open with no network
and make no request outside itself. The ``browser`` fixture drives Debian's Chromium (``/usr/bin/chromium``)
through Playwright's sync API and gives a test a function ``open_offline(path) -> PageReport``::

    def test_report_opens_offline(browser, tmp_path):
        path = tmp_path / "report.html"
        write_report(path)                       # whatever the test builds
        report = browser(path)                   # or browser.open_offline(path)
        assert report.blocked_requests == []    # nothing tried to leave the file
        assert report.console_errors == []      # no console.error / uncaught exception
        assert report.page_errors == []
        assert report.dialogs == []             # no alert()/confirm() fired (escaping tests)
        report.page.hover("path.landgis-township")   # the playwright Page, use freely
        report.screenshot("report")              # -> tests/artifacts/report.png

What ``open_offline`` does:

* every request whose URL is not ``file:``, ``data:``, ``blob:`` or ``about:`` is **aborted** and its URL is
  appended to ``report.blocked_requests`` (so a CDN script shows up there, and as a failed load);
* ``console.error`` messages go to ``report.console_errors`` (text with the source location), uncaught page
  exceptions to ``report.page_errors``; ``report.console`` keeps every console message as ``(type, text)``;
* JavaScript dialogs (alert/confirm/prompt) are dismissed and their message recorded in ``report.dialogs``;
* it waits for the ``load`` event and for ``document.fonts.ready`` before returning.

Options: ``browser(path, viewport=(1200, 900), wait_for=None)`` – ``wait_for`` is a CSS selector to wait for
after load (e.g. ``"path.landgis-township"``). The Chromium process is started once per test session
(args ``--no-sandbox --disable-gpu --disable-background-networking --disable-component-update
--no-first-run``); each call gets a fresh browser context (no shared cache or storage), closed after the test.

``report.assert_offline_clean()`` asserts the four lists above are empty with a readable message.
If Chromium or Playwright is missing the fixture **fails** (it does not skip): run ``tests/setup.sh``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("LANDGIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@dataclass
class PageReport:
    """A page opened by :func:`browser` and what happened while it loaded (lists keep growing after)."""

    page: Any  # playwright.sync_api.Page
    path: Path
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        """Save a PNG screenshot as ``tests/artifacts/<name>.png`` and return its path."""
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(out), full_page=full_page)
        return out

    def assert_offline_clean(self) -> None:
        """Assert no request left the file, no console error, no page error and no dialog."""
        problems = {
            "blocked requests": self.blocked_requests,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
            "dialogs": self.dialogs,
        }
        bad = {k: v for k, v in problems.items() if v}
        assert not bad, f"{self.path.name}: {bad}"


class OfflineBrowser:
    """What the ``browser`` fixture gives: call it, or its ``open_offline`` method, with a path."""

    def __init__(self, open_offline: Callable[..., PageReport]):
        self.open_offline = open_offline

    def __call__(self, path, **kwargs) -> PageReport:
        return self.open_offline(path, **kwargs)


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items):
    """A test that opens Chromium (the ``browser`` fixture) is ``slow``, marked by hand or not."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def _chromium():
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run tests/setup.sh (installs Debian's chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser(_chromium) -> OfflineBrowser:
    """``browser(path, *, viewport=(1200, 900), wait_for=None) -> PageReport`` (also ``browser.open_offline``)."""
    contexts = []

    def open_offline(path, *, viewport: tuple[int, int] = (1200, 900), wait_for: str | None = None) -> PageReport:
        path = Path(path).resolve()
        if not path.is_file():
            raise FileNotFoundError(path)
        context = _chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                        service_workers="block")
        contexts.append(context)
        page = context.new_page()
        report = PageReport(page=page, path=path)

        def route(r):
            url = r.request.url
            if url.startswith(_LOCAL_SCHEMES):
                r.continue_()
            else:
                report.blocked_requests.append(url)
                r.abort("internetdisconnected")

        context.route("**/*", route)
        # Belt and braces: anything the router did not see (e.g. websockets) is still recorded.
        page.on("websocket", lambda ws: report.blocked_requests.append(ws.url))

        def on_console(msg):
            report.console.append((msg.type, msg.text))
            if msg.type == "error":
                loc = msg.location or {}
                report.console_errors.append(f"{msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: report.page_errors.append(str(exc)))

        def on_dialog(dialog):
            report.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.as_uri(), wait_until="load")
        if wait_for:
            page.wait_for_selector(wait_for, state="attached")
        page.evaluate("document.fonts.ready.then(() => true)")
        return report

    yield OfflineBrowser(open_offline)
    for context in contexts:
        context.close()


# --- the seed data every module tests against ---------------------------------------------------
# Module-scoped, as they were in each module: one test file cannot see another's changes.
@pytest.fixture(scope="module")
def plan():
    """The shipped seed plan (连州市2026年度土地供应计划), parsed."""
    from landgis.plan import SEED_PLAN, parse_plan

    return parse_plan(SEED_PLAN)


@pytest.fixture(scope="module")
def towns():
    """The shipped Lianzhou township layer."""
    from landgis.townships import load_townships

    return load_townships(county="441882")


@pytest.fixture(scope="module")
def layer(plan, towns):
    """The seed plan joined to the shipped layer."""
    from landgis.allocation import join

    return join(plan, towns)


@pytest.fixture(scope="module")
def county():
    """连州市, the county of the seed plan and of the shipped layer (passed explicitly to every step)."""
    from landgis.county import find_county

    return find_county("441882")
