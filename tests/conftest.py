"""Shared test configuration.

In CI (the CI environment variable is set) hypothesis runs derandomized, so a
green or red result reproduces exactly; on a developer's machine it keeps
exploring new examples on every run.

``make test`` spreads the tests over both cores (pytest-xdist, ``--dist loadfile``): each
file runs on one worker, so the cells of a notebook (nbval) run in order in one kernel and
a module's tests share its page set-up; each worker starts the browser and servers it
needs once (tests/browser_fixtures.py). (``--dist loadgroup`` would be finer, but
pytest-xdist 3.8 cannot rename pytest 9.2's node ids, so its groups are ignored.)
"""
import os

import pytest
from hypothesis import settings

pytest_plugins = ["browser_fixtures"]   # browser, lab, app_server, page: tests/browser_fixtures.py

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")



@pytest.fixture(scope="session")
def offline_site():
    """``make site OFFLINE=1``, built once per content for every worker (tests/artifacts.py); KRL_TEST_SITE=DIR
    tests a site already built there instead (while changing a test)."""
    from artifacts import built_site
    if os.environ.get("KRL_TEST_SITE"):
        from pathlib import Path
        return Path(os.environ["KRL_TEST_SITE"]).resolve()
    return built_site(offline=True)
