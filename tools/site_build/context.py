"""The build context: what every step of the browser edition's build reads and adds to.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


class BuildError(SystemExit):
    """A build that cannot go on: one line naming what is wrong (and nothing is written to the output)."""

    def __init__(self, message: str):
        super().__init__(f"build_site: ERROR: {message}")


def log(message: str) -> None:
    print(f"[build_site] {message}", flush=True)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Options:
    """What the command line asked for (tools/build_site.py)."""

    offline: bool = False
    keep_lite_dir: bool = False
    warm_imports: bool = True
    preload: bool = True
    kernel_lock: bool = True
    fontlist: bool = True
    stdlib_pyc: bool = True
    pyc: bool = True
    compress: bool = True
    trim: bool = True                          # leave out what the course never uses (offline builds)
    drop_sources: bool = True                  # third-party code as bytecode only (offline builds)
    vendor_wheel: Path | None = None          # testing: another file in place of the pinned vendor wheel


@dataclass
class BuildContext:
    """Paths, options and everything the steps found or made so far."""

    notebooks: list[Path]
    wheel: Path
    out: Path
    cache: Path
    lite: Path                       # JupyterLite's source folder (temporary)
    stage: Path                      # the site while it is built (moved to ``out`` at the end)
    options: Options = field(default_factory=Options)
    snapshots: Path | None = None    # the lessons' first pictures (tools/execute_notebooks.py --snapshots)
    tools: dict = field(default_factory=dict)
    manifest: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)        # pure wheels the kernel gets (name, version, ...)
    kernel_wheels: list[str] = field(default_factory=list)  # the kernel's own wheels loaded with the rest
    project: dict = field(default_factory=dict)
    preload: list[str] = field(default_factory=list)
    plugin: dict = field(default_factory=dict)              # the kernel plugin's settings in jupyter-lite.json
    release: str = ""
    storage: str = ""

    @property
    def pypi(self) -> Path:
        return self.lite / "pypi"

    @property
    def pyodide_dir(self) -> Path:
        return self.lite / "static" / "pyodide"
