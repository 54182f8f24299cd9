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

from hypothesis import settings

pytest_plugins = ["browser_fixtures"]   # browser, lab, app_server, page: tests/browser_fixtures.py

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

