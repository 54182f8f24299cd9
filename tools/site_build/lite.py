"""The course as JupyterLite gets it, and JupyterLite's own build (with the Voici app view).

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nbformat

from .context import BuildContext, BuildError, log
from .pins import (
    APPS,
    BUILD_TOOLS,
    EXTENSION_WHEELS,
    KERNEL_PLUGIN,
    KERNEL_WHEELS,
    SETTINGS_OVERRIDES,
    SITE_TITLE,
    STORAGE_PREFIX,
)

KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"


def check_tools() -> dict:
    """The build tools' versions (a warning for a version this build was not made for)."""
    found = {}
    for dist, want in BUILD_TOOLS.items():
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            raise BuildError(f"{dist}=={want} is not installed in this Python ({sys.executable})") from None
        if found[dist] != want:
            log(f"warning: {dist} {found[dist]} installed, this script was made for {want}")
    return found


def prepare_notebook(src: Path, dest: Path) -> None:
    """A course notebook for the browser (nbformat): outputs, counts and widget state cleared (the shipped
    notebooks hold none; a learner must never see a stale or dead widget before running the cells), and
    sources written as single strings (JupyterLite serves the JSON as it is)."""
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    with open(dest, "w", encoding="utf-8") as handle:
        nbformat.write(nb, handle, split_lines=False)


def course_contents(ctx: BuildContext) -> Path:
    """Step: the notebooks into the lite folder's contents, and the release their browser storage is named
    after (the version and a hash of the notebooks: a new release opens with fresh storage)."""
    contents = ctx.lite / "files"
    contents.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for nb in ctx.notebooks:
        prepare_notebook(nb, contents / nb.name)
        digest.update(nb.name.encode() + b"\0" + (contents / nb.name).read_bytes() + b"\0")
    ctx.release = f"{ctx.project['version']}-{digest.hexdigest()[:10]}"
    ctx.storage = f"{STORAGE_PREFIX}-{ctx.release}"
    log(f"{len(ctx.notebooks)} notebooks; release {ctx.release}: browser storage {ctx.storage}-contents/-settings/"
        "-workspaces")
    return contents


def lite_config(ctx: BuildContext) -> dict:
    """Step: jupyter-lite.json (storage names, the kernel's settings), the build's own configuration (exactly
    these JupyterLab extensions, read from their wheels and the kernel's package) and the settings defaults.
    Returns the jupyter-lite.json content."""
    config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": SITE_TITLE,
        "contentsStorageName": f"{ctx.storage}-contents",
        "settingsStorageName": f"{ctx.storage}-settings",
        "workspacesStorageName": f"{ctx.storage}-workspaces",
        "litePluginSettings": {KERNEL_PLUGIN: ctx.plugin}}}
    (ctx.lite / "jupyter-lite.json").write_text(json.dumps(config, indent=2))
    kernel_ext = Path(sys.prefix) / "share/jupyter/labextensions" / KERNEL_EXTENSION
    version = json.loads((kernel_ext / "package.json").read_text())["version"]
    if version != BUILD_TOOLS["jupyterlite-pyodide-kernel"]:
        raise BuildError(f"{kernel_ext} is version {version}")
    wheels = [f"pypi/{fname}" for req, fname, _ in KERNEL_WHEELS if req.split("==")[0] in EXTENSION_WHEELS]
    # only these extensions (others in the build venv, e.g. voila's server-side preview built for a newer
    # JupyterLab, are left out: ignore_sys_prefix); JupyterLite extracts each from its wheel itself
    (ctx.lite / "jupyter_lite_config.json").write_text(json.dumps(
        {"LiteBuildConfig": {"ignore_sys_prefix": ["federated_extensions"],
                             "federated_extensions": wheels + [str(kernel_ext)],
                             "settings_overrides": ["overrides.json"]}}, indent=2))
    (ctx.lite / "overrides.json").write_text(json.dumps(SETTINGS_OVERRIDES, indent=2))
    for name in wheels:
        ctx.manifest.append({"file": f"extensions/ (from {name})", "source": f"{name} (PyPI)",
                             "verified": "pinned wheel sha256; extracted by jupyter lite build"})
    ctx.manifest.append({"file": f"extensions/{KERNEL_EXTENSION}/",
                         "source": f"jupyterlite-pyodide-kernel=={version} (PyPI, build venv)"})
    return config


def lite_build(ctx: BuildContext, contents: Path) -> None:
    """Step: JupyterLite's build with the Voici app view (``voici build``, which runs ``jupyter lite build``)."""
    # (python -m voici_core is broken in 0.9.0: it imports voici.app)
    cmd = [sys.executable, "-c", "from voici_core.app import main; main()", "build", "--lite-dir", str(ctx.lite),
           "--output-dir", str(ctx.stage), "--contents", str(contents), "--no-sourcemaps",
           "--no-unused-shared-packages"]
    for app in APPS:
        cmd += ["--apps", app]
    log("running: voici " + " ".join(cmd[3:]))
    result = subprocess.run(cmd, cwd=ctx.lite, capture_output=True, text=True)
    (ctx.cache / "last-lite-build.log").parent.mkdir(parents=True, exist_ok=True)
    (ctx.cache / "last-lite-build.log").write_text(result.stdout + "\n--- stderr ---\n" + result.stderr)
    if result.returncode != 0:
        raise BuildError(f"voici/jupyter lite build failed (log: {ctx.cache / 'last-lite-build.log'}):\n"
                         + result.stderr[-3000:])


def check_built(ctx: BuildContext) -> None:
    """Step: the built site kept our settings (JupyterLite ignores a lite dir in some set-ups) and has every
    notebook and app page, and the extensions asked for."""
    built = json.loads((ctx.stage / "jupyter-lite.json").read_text())["jupyter-config-data"]
    settings = built["litePluginSettings"][KERNEL_PLUGIN]
    if built.get("contentsStorageName") != f"{ctx.storage}-contents":
        raise BuildError("the built jupyter-lite.json lost the storage names (lite dir ignored?)")
    if not settings.get("disablePyPIFallback") or "loadPyodideOptions" not in settings:
        raise BuildError("the built jupyter-lite.json lost the kernel settings (lite dir ignored?)")
    if ctx.options.offline and settings.get("pyodideUrl") != "./static/pyodide/pyodide.js":
        raise BuildError(f"offline build but pyodideUrl is {settings.get('pyodideUrl')!r}")
    if not ctx.options.offline and "pyodideUrl" in settings:
        raise BuildError("CDN build unexpectedly has a local pyodideUrl")
    names = {e["name"] for e in built.get("federated_extensions", [])}
    for wanted in ("@jupyter-widgets/jupyterlab-manager", "anywidget", KERNEL_EXTENSION):
        if wanted not in names:
            raise BuildError(f"the site lacks the JupyterLab extension {wanted} (has {sorted(names)})")
    for nb in ctx.notebooks:
        if not (ctx.stage / "voici" / "render" / f"{nb.stem}.html").exists():
            raise BuildError(f"voici/render/{nb.stem}.html was not generated")
        if not (ctx.stage / "files" / nb.name).exists():
            raise BuildError(f"files/{nb.name} was not copied")


#: run by the kernel right after it mounts the learner's files at /drive and makes it the working
#: directory, before its first import: '' (the working directory) goes from the front of sys.path to its
#: end, so an import looks at the learner's files only when nothing installed has that name
DRIVE_LAST = ("import sys\\nif '' in sys.path:\\n    sys.path.remove('')\\nsys.path.append('')")
#: where pyodide-kernel 0.6.1's worker mounts the drive (minified; its comlink and coincident workers)
_DRIVE_MOUNTED = re.compile(r"(\w+)\.mount\((\w+),\{\},(\w+)\),\1\.chdir\(\3\),this\._driveFS=")


def kernel_imports_first(ctx: BuildContext) -> None:
    """Step: the kernel's imports stop asking the learner's files first.

    With '' first on sys.path, every top-level import (about 130 while the kernel and a lesson start) asks
    the drive whether /drive changed: a synchronous request from the kernel's worker through the service
    worker to the page, 10-40 ms each while the page is busy starting, 2-5 s in all (measured:
    benchmarks/site_benchmark.py). IPython itself keeps '' after the standard library for the same kind of
    reason; putting it last keeps a learner's own module importable."""
    static = ctx.stage / "extensions" / KERNEL_EXTENSION / "static"
    patched = 0
    for chunk in sorted(static.glob("*.js")):
        text = chunk.read_text(encoding="utf-8")
        if not _DRIVE_MOUNTED.search(text):
            continue
        text, n = _DRIVE_MOUNTED.subn(lambda m: m.group(0).replace(
            "this._driveFS=", f'this._pyodide.runPython("{DRIVE_LAST}"),this._driveFS='), text)
        chunk.write_text(text, encoding="utf-8")
        patched += n
    if patched == 0:
        raise BuildError(f"no worker chunk of {KERNEL_EXTENSION} mounts the drive as pyodide-kernel "
                         f"{BUILD_TOOLS['jupyterlite-pyodide-kernel']} does; the step needs updating")
    ctx.manifest.append({"file": f"extensions/{KERNEL_EXTENSION}/static/",
                         "patched": f"{patched} places in its workers: sys.path keeps the working directory last "
                                    "(build_site.py kernel_imports_first)"})
    log(f"kernel worker: working directory last on sys.path ({patched} places)")
