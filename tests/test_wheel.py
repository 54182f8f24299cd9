"""The package as users and the browser edition get it: a wheel, installed (not editable) in a fresh venv.

An editable install hides a missing subpackage or data file (the source tree is on the path); a built
wheel in a fresh virtual environment does not. The test builds the wheel, installs it, imports every
module from site-packages and runs notebook 01 top to bottom there, outside the source tree.
"""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], check=True,
                   capture_output=True, text=True)
    (path,) = out.glob("ketamine_routes_lab-*.whl")
    return path


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


def test_installed_wheel_imports_everything_and_runs_notebook_01(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   capture_output=True, text=True)
    code = ("import importlib, json, helpers, pkgutil\n"
            "names = [m.name for m in pkgutil.walk_packages(helpers.__path__, 'helpers.')]\n"
            "for name in names: importlib.import_module(name)\n"
            "sim = helpers.simulate('oral', 50.0)\n"
            "print(json.dumps({'file': helpers.__file__, 'modules': names, 'cmax': sim.cmax_ng_ml}))")
    result = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    found = json.loads(result.stdout)
    assert "site-packages" in found["file"] and str(ROOT) not in found["file"]
    assert {m for m in _modules_in_source() if m != "helpers"} <= set(found["modules"])
    assert found["cmax"] > 0
    notebook = tmp_path / "01_route_explorer.ipynb"
    notebook.write_bytes((ROOT / "notebooks" / notebook.name).read_bytes())
    run = subprocess.run([str(python), "-m", "nbconvert", "--to", "notebook", "--execute", "--output",
                          "executed.ipynb", str(notebook)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    executed = json.loads((tmp_path / "executed.ipynb").read_text())
    errors = [o for cell in executed["cells"] for o in cell.get("outputs", [])
              if o.get("output_type") == "error" or o.get("name") == "stderr"]
    assert errors == []
