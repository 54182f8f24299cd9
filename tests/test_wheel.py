"""The package as users and the browser edition get it: a wheel, installed (not editable) in a fresh venv.

An editable install hides a missing subpackage or data file (the source tree is on the path); a built
wheel in a fresh virtual environment does not. The test takes the wheel ``make wheel`` builds (the one the
browser edition installs, built once per run: tests/artifacts.py), installs it without its dependencies
into a fresh venv that borrows the test environment's packages (numpy, matplotlib, ipywidgets: no
download), and imports every module and data file from that venv's site-packages, outside the source tree.
Every notebook runs on this same wheel in the browser edition (tests/test_site.py).
"""
from __future__ import annotations

import json
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from artifacts import built_wheel

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel() -> Path:
    return built_wheel()


def _modules_in_source() -> set[str]:
    names = set()
    for path in (ROOT / "helpers").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(p for p in parts if p != "__init__"))
    return names


def test_wheel_holds_every_module_and_data_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        listed = set(archive.namelist())
    modules = {name[:-3].replace("/", ".").removesuffix(".__init__") for name in listed if name.endswith(".py")}
    assert _modules_in_source() <= modules, sorted(_modules_in_source() - modules)
    data = {f"helpers/data/{p.name}" for p in (ROOT / "helpers" / "data").glob("*.toml")}
    assert data <= listed, sorted(data - listed)


def test_installed_wheel_imports_every_module_and_reads_its_data(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, text=True)
    # The test environment's packages, appended as a plain path: its .pth files (the editable install of
    # helpers among them) are not processed, so `import helpers` can only find the wheel.
    borrowed = [p for p in (sysconfig.get_path("purelib"), *site.getsitepackages()) if Path(p).is_dir()]
    (target / "zz_borrowed_packages.pth").write_text("\n".join(dict.fromkeys(borrowed)) + "\n")
    code = ("import importlib, json, helpers, pkgutil\n"
            "names = [m.name for m in pkgutil.walk_packages(helpers.__path__, 'helpers.')]\n"
            "for name in names: importlib.import_module(name)\n"
            "sim = helpers.simulate('oral', 50.0)\n"
            "app = helpers.explore(route='oral')\n"
            "task = helpers.check('00_oral_mg_reaching_blood', '10 mg')\n"
            "print(json.dumps({'file': helpers.__file__, 'modules': names, 'cmax': sim.cmax_ng_ml, "
            "'png': len(app.png), 'task': task.status, 'cases': len(helpers.CASES)}))")
    result = subprocess.run([str(python), "-I", "-c", code], check=True, capture_output=True, text=True,
                            cwd=tmp_path)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["file"].startswith(str(target)) and str(ROOT) not in found["file"]
    assert {m for m in _modules_in_source() if m != "helpers"} <= set(found["modules"])
    assert found["cmax"] > 0 and found["png"] > 1000 and found["task"] in ("correct", "wrong")
    assert found["cases"] > 0
