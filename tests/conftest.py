"""Shared test configuration.

In CI (the CI environment variable is set) hypothesis runs derandomized, so a
green or red result reproduces exactly; on a developer's machine it keeps
exploring new examples on every run.
"""
import os

from hypothesis import settings

pytest_plugins = ["browser_fixtures"]   # browser, lab, app_server, page: tests/browser_fixtures.py

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
