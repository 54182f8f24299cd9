"""Fixtures shared by the real-browser tests (registered in conftest.py): one Chromium, one JupyterLab and
one Voila server per test module, and a fresh page per test at the module's ``VIEWPORT`` that records
JavaScript errors in ``page.js_errors``."""
from __future__ import annotations

import pytest

from browser_support import chromium, jupyter_lab, voila


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def lab():
    with jupyter_lab() as server:
        yield server


@pytest.fixture(scope="module")
def app_server():
    with voila() as base:
        yield base


@pytest.fixture
def page(browser, request):
    page = browser.new_page(viewport=request.module.VIEWPORT)
    page.js_errors = []
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    yield page
    page.close()
