"""Fixtures shared by the real-browser tests (registered in conftest.py): one Chromium, one JupyterLab and
one Voila server per test session (per pytest-xdist worker), each started on first use, and a fresh page per
test at the module's ``VIEWPORT`` (1280x720 if it sets none) that records JavaScript errors in
``page.js_errors``.

JupyterLab serves a learner's working copy made as ``make lab`` makes it (tools/working_copy.py), in a
temporary folder, so the lessons keep answers there as they do for a learner, and nothing a test does can
touch the shipped notebooks; Voila serves the course itself, as ``make app`` does (it saves nothing).
"""
from __future__ import annotations

import os
import sys
from typing import NamedTuple

import pytest

from browser_support import LAUNCH_ARGS, NOTEBOOK_DIR, ROOT, chromium_path, jupyter_lab, voila

sys.path.insert(0, str(ROOT / "tools"))
import working_copy  # noqa: E402  (a script folder, not a package)


class Lab(NamedTuple):
    base: str
    token: str
    work: object        # the working copy it serves (a Path)

DEFAULT_VIEWPORT = {"width": 1280, "height": 720}


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver per worker: a second sync_playwright() cannot start while one runs in the thread.
    Service-worker requests are routed and reported (the browser-edition tests count them) only when this is
    set as the driver starts."""
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    b = playwright_driver.chromium.launch(executable_path=chromium_path(), headless=True, args=LAUNCH_ARGS)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    work = tmp_path_factory.mktemp("work")
    working_copy.sync(NOTEBOOK_DIR, work)
    with jupyter_lab(work) as (base, token):
        yield Lab(base, token, work)


@pytest.fixture(scope="session")
def app_server():
    with voila() as base:
        yield base


@pytest.fixture
def page(browser, request):
    page = browser.new_page(viewport=getattr(request.module, "VIEWPORT", DEFAULT_VIEWPORT))
    page.js_errors = []
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    yield page
    page.close()
