"""Build artifacts the tests share: the wheel and the browser-edition site, built once per content.

Several tests need the same wheel or site, on both pytest-xdist workers. Each artifact is built by the
same ``make`` command a user runs, into ``.site-cache/test-builds/<key>/``, where ``key`` is a hash of
every file it is made from; a file lock makes the second worker wait for the first one's build
instead of building again, and a later run of an unchanged checkout reuses it. Older keys are deleted.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from filelock import FileLock

__all__ = ["ROOT", "BUILDS", "content_key", "built_wheel", "built_site", "make"]

ROOT = Path(__file__).resolve().parents[1]
BUILDS = ROOT / ".site-cache" / "test-builds"
KEPT = 4          # keys kept per kind of artifact

# What each artifact is made from (globs relative to the project root).
_WHEEL_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "helpers/**/*.py", "helpers/**/*.toml")
_SITE_INPUTS = _WHEEL_INPUTS + ("notebooks/*.ipynb", "tools/*.py", "tools/*.txt", "tools/site_build/*.py", "Makefile")


def content_key(patterns: tuple[str, ...]) -> str:
    """A short hash of the names and contents of every file matching ``patterns``."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in ROOT.glob(pattern) if p.is_file()}):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def make(*args: str) -> tuple[str, float]:
    """Run ``make`` in the project as a user would (not as a sub-make of a test run); output and seconds."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    start = time.monotonic()
    result = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed:\n{output[-5000:]}")
    return output, time.monotonic() - start


def _prune(kind: str, keep: Path) -> None:
    old = sorted((p for p in BUILDS.glob(f"{kind}-*") if p != keep), key=lambda p: p.stat().st_mtime)
    for path in old[:max(len(old) - (KEPT - 1), 0)]:
        shutil.rmtree(path, ignore_errors=True)


def _once(kind: str, patterns: tuple[str, ...], build) -> Path:
    """The folder of an artifact for the current content, built by ``build(folder)`` if it does not exist."""
    BUILDS.mkdir(parents=True, exist_ok=True)
    folder = BUILDS / f"{kind}-{content_key(patterns)}"
    with FileLock(str(BUILDS / "build.lock"), timeout=1800):     # one build at a time, on every worker
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            seconds = build(folder)
            (folder / ".complete").write_text(f"{seconds:.1f}\n")
            print(f"built {folder.name} in {seconds:.1f} s")
        _prune(kind, folder)
    return folder


def built_wheel() -> Path:
    """The course wheel (``make wheel``), as the browser edition gets it."""
    def build(folder: Path) -> float:
        _, seconds = make("wheel")
        (wheel,) = (ROOT / "dist").glob("ketamine_routes_lab-*.whl")
        shutil.copy2(wheel, folder / wheel.name)
        return seconds
    (wheel,) = _once("wheel", _WHEEL_INPUTS, build).glob("ketamine_routes_lab-*.whl")
    return wheel


def built_site(offline: bool = True) -> Path:
    """The browser edition (``make site``, ``OFFLINE=1`` for the one that carries its own Pyodide)."""
    def build(folder: Path) -> float:
        _, seconds = make("site", f"SITE_DIR={folder / 'site'}", *(["OFFLINE=1"] if offline else []))
        return seconds
    return _once("site-offline" if offline else "site-cdn", _SITE_INPUTS, build) / "site"
