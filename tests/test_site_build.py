"""Steps of the browser-edition build (tools/site_build/) that patch or read other projects' files, on small
inputs, without building a site: each refuses, naming what it expected, when the file it patches changed.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from site_build import lite, pages, pyodide, wheels  # noqa: E402
from site_build.context import BuildError  # noqa: E402

# the drive mount as pyodide-kernel 0.6.1's minified worker chunks write it
MOUNT = 'e.mount(t,{},r),e.chdir(r),this._driveFS=t'


def chunk_folder(tmp_path: Path, *texts: str) -> SimpleNamespace:
    static = tmp_path / "extensions" / lite.KERNEL_EXTENSION / "static"
    static.mkdir(parents=True)
    for i, text in enumerate(texts):
        (static / f"{i}.abc.js").write_text(text, encoding="utf-8")
    return SimpleNamespace(stage=tmp_path, manifest=[])


def test_the_kernel_worker_is_told_to_keep_the_working_directory_last(tmp_path):
    ctx = chunk_folder(tmp_path, f"a();{MOUNT};b()", "nothing to patch here", f"{MOUNT};{MOUNT}")
    lite.kernel_imports_first(ctx)
    static = tmp_path / "extensions" / lite.KERNEL_EXTENSION / "static"
    first = (static / "0.abc.js").read_text()
    assert first.count("sys.path.append('')") == 1
    assert first.index("e.chdir(r)") < first.index("runPython") < first.index("this._driveFS=t")
    assert (static / "1.abc.js").read_text() == "nothing to patch here"
    assert (static / "2.abc.js").read_text().count("runPython") == 2
    assert "3 places" in ctx.manifest[0]["patched"]


def test_a_changed_kernel_worker_stops_the_build_naming_the_step(tmp_path):
    ctx = chunk_folder(tmp_path, "e.mount(t,{},r);this.driveFS=t")   # a later pyodide-kernel's spelling
    with pytest.raises(BuildError, match="mounts the drive") as caught:
        lite.kernel_imports_first(ctx)
    assert "needs updating" in str(caught.value)


def test_the_landing_page_reads_the_lessons_storage_names():
    names = pages.store_names()
    from helpers.lessons import store
    assert names["BROWSER_KEY_PREFIX"] == store.BROWSER_KEY_PREFIX
    assert names["BROWSER_EXPORT_PREFIX"] == store.BROWSER_EXPORT_PREFIX
    assert names["RESET_KEY"] == store.RESET_KEY
    assert all(names[k].startswith(pages.STORAGE_PREFIX) for k in ("BROWSER_KEY_PREFIX", "RESET_KEY"))


def test_a_left_out_package_is_a_wheel_whose_import_fails_clearly(tmp_path):
    path = pyodide._absent_wheel(tmp_path, "jedi")
    with zipfile.ZipFile(path) as wheel:
        source = wheel.read("jedi/__init__.py").decode()
        record = wheel.read("krl_absent_jedi-1.0.dist-info/RECORD").decode()
    namespace: dict = {}
    with pytest.raises(ImportError, match="not available in the browser edition"):
        exec(compile(source, "jedi/__init__.py", "exec"), namespace)
    assert "jedi/__init__.py,sha256=" in record


def test_the_start_up_file_switches_to_ipythons_completer_without_jedi(tmp_path):
    path = wheels.make_boot_wheel(tmp_path, warm_imports=False)
    with zipfile.ZipFile(path) as wheel:
        startup = wheel.read(f"{wheels.BOOT_PACKAGE}/ipython/profile_default/startup/00-krl-lite.py").decode()

    class Completer:
        use_jedi = True
    shell = SimpleNamespace(Completer=Completer())
    fake_js = SimpleNamespace(console=SimpleNamespace(log=lambda *a: None), Date=SimpleNamespace(now=lambda: 0))
    sys.modules["js"] = fake_js
    blocked = sys.modules.get("jedi", "absent")
    sys.modules["jedi"] = None          # import jedi raises ImportError, as with the browser edition's stub
    try:
        exec(compile(startup, "00-krl-lite.py", "exec"), {"get_ipython": lambda: shell})
    finally:
        del sys.modules["js"]
        if blocked == "absent":
            del sys.modules["jedi"]
        else:
            sys.modules["jedi"] = blocked
    assert shell.Completer.use_jedi is False
