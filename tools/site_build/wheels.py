"""The wheels the browser kernel gets, and which packages it loads while Pyodide starts.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

from .context import BuildContext, BuildError, log, sha256_file
from .fetch import npm_fetch_pyodide, pip_fetch
from .pins import (
    BOOT_PACKAGE,
    BUILD_TOOLS,
    KERNEL_EXTENSION_WHEELS,
    KERNEL_PYODIDE_PACKAGES,
    KERNEL_WHEELS,
    PYODIDE_SITE_PACKAGES,
    STARTUP_MODULES,
    STARTUP_NAMES,
)


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


#: environment markers of the browser kernel's Python (Pyodide 0.27: CPython 3.12 on emscripten)
PYODIDE_MARKERS = {"python_version": "3.12", "python_full_version": "3.12.7", "sys_platform": "emscripten",
                   "platform_system": "Emscripten", "platform_machine": "wasm32", "os_name": "posix",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def wheel_metadata(path: Path) -> dict:
    """name, version, requires (canonical names, markers evaluated for the browser's Python, no extras)
    and imports (top-level packages: top_level.txt, else the wheel's top-level folders and modules)."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        meta = Parser().parsestr(z.read(meta_name).decode())
        top = next((n for n in names if n.endswith(".dist-info/top_level.txt") and n.count("/") == 1), None)
        if top:
            imports = [line.strip() for line in z.read(top).decode().splitlines() if line.strip()]
        else:
            imports = sorted({n.split("/")[0] for n in names if "/" in n and not n.split("/")[0].endswith(
                (".dist-info", ".data"))} | {n[:-3] for n in names if "/" not in n and n.endswith(".py")})
    if not imports:
        raise BuildError(f"{path.name}: no importable top-level package in the wheel")
    requires = []
    for text in meta.get_all("Requires-Dist") or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate(PYODIDE_MARKERS):
            requires.append(canon(req.name))
    return {"name": meta["Name"], "version": meta["Version"], "requires": requires, "imports": imports}


def make_boot_wheel(dest: Path, warm_imports: bool = True) -> Path:
    """A tiny wheel whose IPython profile runs at kernel start (IPYTHONDIR points into it).

    Its startup file silences matplotlib's one-off "building the font cache" warning, which the
    browser kernel would otherwise show as a pink stderr box under the first plotting cell, and
    (warm_imports) imports the course's heavy modules while the kernel starts: the browser is still
    busy drawing the page then, so the first plot comes 1-5 s sooner (benchmarks/site_benchmark.py).
    A failed import is left for the notebook's own import to show where the learner sees it.
    """
    version = "0.1.0"
    startup = (
        '"""Ketamine Routes Lab, JupyterLite kernel start (not part of the course code)."""\n'
        "import js as _js\n"
        "# start-up phases on the browser's console (benchmarks/site_benchmark.py reads them): epoch ms\n"
        '_js.console.log(f"krl-phase python-ready {_js.Date.now()}")\n'
        "import logging as _logging\n\n\n"
        "class _QuietFontCache(_logging.Filter):\n"
        "    def filter(self, record):\n"
        '        return "building the font cache" not in record.getMessage()\n\n\n'
        '_logging.getLogger("matplotlib.font_manager").addFilter(_QuietFontCache())\n'
        "del _logging, _QuietFontCache\n"
        "try:   # the browser edition leaves jedi out (tools/site_build/pyodide.py): IPython's own completer\n"
        "    import jedi as _jedi\n"
        "    del _jedi\n"
        "except ImportError:\n"
        "    get_ipython().Completer.use_jedi = False\n"
    )
    if warm_imports:
        startup += (
            "\nimport importlib as _importlib\n\n"
            "try:\n"
            f"    for _name in {STARTUP_MODULES!r}:\n"
            "        _importlib.import_module(_name)\n"
            '        _js.console.log(f"krl-phase imported-{_name} {_js.Date.now()}")\n'
            f"    for _name in {STARTUP_NAMES!r}:   # lazy names of helpers: the explorer, the answer widgets\n"
            "        getattr(_importlib.import_module('helpers'), _name)\n"
            '    _js.console.log(f"krl-phase imported-course {_js.Date.now()}")\n'
            "except Exception:\n"
            "    pass\n"
            "del _importlib, _name\n")
    startup += "del _js\n"
    files = {
        f"{BOOT_PACKAGE}/__init__.py": '"""JupyterLite kernel-start settings for Ketamine Routes Lab."""\n',
        f"{BOOT_PACKAGE}/ipython/profile_default/startup/00-krl-lite.py": startup,
        f"{BOOT_PACKAGE}-{version}.dist-info/METADATA":
            f"Metadata-Version: 2.1\nName: {BOOT_PACKAGE.replace('_', '-')}\nVersion: {version}\n"
            "Summary: JupyterLite kernel-start settings for Ketamine Routes Lab\n",
        f"{BOOT_PACKAGE}-{version}.dist-info/WHEEL":
            "Wheel-Version: 1.0\nGenerator: build_site.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{BOOT_PACKAGE}-{version}.dist-info/top_level.txt": f"{BOOT_PACKAGE}\n",
    }
    return write_wheel(dest, BOOT_PACKAGE, version, files)


def write_wheel(dest: Path, name: str, version: str, files: dict[str, str]) -> Path:
    """A pure wheel made here (``files``: member name -> text, its dist-info included): RECORD added, every
    member dated 1980 so the same files give the same bytes. Returns its path in ``dest``."""
    def entry(member: str, text: str) -> str:
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        return f"{member},sha256={digest},{len(text.encode())}\n"
    record = f"{name}-{version}.dist-info/RECORD"
    files = {**files, record: "".join(entry(m, t) for m, t in files.items()) + f"{record},,\n"}
    path = dest / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, text in files.items():
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, text)
    return path


def collect_wheels(ctx: BuildContext) -> None:
    """Step: the kernel's pure wheels, the course wheel and the start-up wheel into the lite folder's pypi/
    (JupyterLite's piplite index, served as ./pypi/), each with its metadata."""
    ctx.pypi.mkdir(parents=True, exist_ok=True)
    for req, fname, digest in KERNEL_WHEELS:
        src = pip_fetch(req, fname, digest, ctx.cache / "wheels")
        shutil.copy2(src, ctx.pypi / fname)
        ctx.manifest.append({"file": f"pypi/{fname}", "sha256": digest, "source": f"{req} (PyPI)",
                             "verified": "pip --require-hashes, pinned sha256"})
    if ctx.options.offline and ctx.options.kernel_lock:
        # the kernel's own wheels (pyodide-kernel-extension's pypi/), as lock entries loaded with the rest:
        # otherwise the kernel installs them one after another with micropip/piplite once Pyodide is up
        ext_pypi = (Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
                    / "static" / "pypi")
        for stem in KERNEL_EXTENSION_WHEELS:
            found = sorted(ext_pypi.glob(f"{stem}-*-py3-none-any.whl"))
            if len(found) != 1:
                raise BuildError(f"expected one {stem} wheel in {ext_pypi}, found {[f.name for f in found]}")
            shutil.copy2(found[0], ctx.pypi / found[0].name)
            ctx.kernel_wheels.append(stem)
            ctx.manifest.append({"file": f"pypi/{found[0].name}", "sha256": sha256_file(found[0]),
                                 "source": f"jupyterlite-pyodide-kernel {BUILD_TOOLS['jupyterlite-pyodide-kernel']}",
                                 "verified": "installed build tool, version checked"})
    shutil.copy2(ctx.wheel, ctx.pypi / ctx.wheel.name)
    boot = make_boot_wheel(ctx.pypi, ctx.options.warm_imports)
    for path in sorted(ctx.pypi.glob("*.whl")):
        if path.name.startswith("jupyterlab_widgets-"):
            continue      # JS-side package: only listed in pypi/ so that `%pip install ipywidgets` resolves
        meta = wheel_metadata(path)
        ctx.extras.append({"name": meta["name"], "version": meta["version"], "file_name": path.name,
                           "sha256": sha256_file(path), "imports": meta["imports"], "requires": meta["requires"]})
    ctx.manifest.append({"file": f"pypi/{ctx.wheel.name}", "sha256": sha256_file(ctx.pypi / ctx.wheel.name),
                         "source": f"project wheel {ctx.wheel}", "verified": "sha256 recorded"})
    ctx.manifest.append({"file": f"pypi/{boot.name}", "sha256": sha256_file(boot),
                         "source": "generated by build_site.py", "verified": "sha256 recorded"})
    ctx.project = next(e for e in ctx.extras if e["file_name"] == ctx.wheel.name)
    log(f"project wheel {ctx.project['name']} {ctx.project['version']}: imports {ctx.project['imports']}, "
        f"requires {ctx.project['requires']}")


def resolve_depends(ctx: BuildContext) -> list[str]:
    """Step: each wheel's dependencies the browser can load (the official lock's names or our own wheels);
    returns the official packages they need (the offline Pyodide must hold them)."""
    # package names come from the official lock in the npm tarball, also for CDN builds
    with tarfile.open(npm_fetch_pyodide(ctx.cache / "npm")) as tar:
        official_names = set(json.load(tar.extractfile("package/pyodide-lock.json"))["packages"])
    # (the kernel's own wheels are loaded by name at start, never as a dependency: the project's
    # `ipykernel` requirement stays dropped, as the desktop kernel it means is not installable here)
    extra_names = {canon(e["name"]) for e in ctx.extras} - {canon(w) for w in KERNEL_EXTENSION_WHEELS}
    for e in ctx.extras:
        e["depends"] = [r for r in e["requires"] if r in extra_names or r in official_names]
        dropped = sorted(set(e["requires"]) - set(e["depends"]))
        if dropped:
            log(f"{e['name']}: not loadable in the browser kernel, left out of its depends: {dropped}")
    return sorted({d for e in ctx.extras for d in e["depends"] if d not in extra_names})


def kernel_settings(ctx: BuildContext, official_deps: list[str]) -> None:
    """Step: what the kernel loads while Pyodide starts (``loadPyodideOptions.packages``) and its settings."""
    boot_env = {"IPYTHONDIR": f"{PYODIDE_SITE_PACKAGES}/{BOOT_PACKAGE}/ipython", "HOME": "/home/pyodide"}
    if ctx.options.offline:
        # (the kernel skips installing the names it finds here, spelt as it spells them: pyodide_kernel)
        ctx.preload = KERNEL_PYODIDE_PACKAGES + ctx.kernel_wheels + (["comm"] if ctx.kernel_wheels else []) + (
            [canon(ctx.project["name"])] if ctx.options.preload else []) + [canon(BOOT_PACKAGE)]
    else:
        # CDN Pyodide: its lock does not know our wheels, so they are given as URLs; Pyodide resolves
        # a relative URL against the kernel worker script, which lives in
        # <site>/extensions/@jupyterlite/pyodide-kernel-extension/static/
        up = "../../../../pypi/"
        # (URL packages get no dependency resolution: their official dependencies are listed too)
        ctx.preload = KERNEL_PYODIDE_PACKAGES + [d for d in official_deps if d not in KERNEL_PYODIDE_PACKAGES] + [
            up + e["file_name"] for e in ctx.extras]
    # (an offline build's pyodideUrl is written by JupyterLite's Pyodide add-on, which finds static/pyodide/)
    ctx.plugin = {"disablePyPIFallback": True, "loadPyodideOptions": {"packages": ctx.preload, "env": boot_env}}
