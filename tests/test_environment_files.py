"""environment.yml (conda) and pyproject.toml (pip) declare the same packages and bounds."""
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "pyyaml": "pyyaml", "python-build": "build"}
NOT_ON_PYPI = {"python", "pip"}


def _pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return {canonicalize_name(Requirement(r).name): Requirement(r).specifier for r in listed}


def _conda_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for item in env["dependencies"]:
        if isinstance(item, dict):      # the pip: section installs the project itself
            assert item.get("pip") == ["-e ."], item
            continue
        name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", item).groups()
        if name in NOT_ON_PYPI:
            continue
        found[canonicalize_name(CONDA_TO_PYPI.get(name, name))] = SpecifierSet(spec.replace(" ", ""))
    return found


def test_same_package_names():
    assert set(_conda_requirements()) == set(_pyproject_requirements())


def test_same_version_bounds():
    conda, pip = _conda_requirements(), _pyproject_requirements()
    assert {n: str(s) for n, s in conda.items()} == {n: str(s) for n, s in pip.items()}


def test_same_python_floor():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"python{project['requires-python']}" in env["dependencies"]
