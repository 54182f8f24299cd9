"""Fixtures shared by the real-browser tests (registered in conftest.py): one Chromium, one JupyterLab and
one Voila server per test session (per pytest-xdist worker), each started on first use, and a fresh page per
test at the module's ``VIEWPORT`` (1280x720 if it sets none) that records JavaScript errors in
``page.js_errors``."""
from __future__ import annotations

import pytest

from browser_support import chromium, jupyter_lab, voila

DEFAULT_VIEWPORT = {"width": 1280, "height": 720}


@pytest.fixture(scope="session")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def lab():
    with jupyter_lab() as server:
        yield server


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
