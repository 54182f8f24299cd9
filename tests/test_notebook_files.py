"""The notebook files as shipped: no answer in any saved output, and the executed copies the tests run match them.

``make notebooks`` (tools/execute_notebooks.py) writes both: the shipped notebooks without outputs, and
their executed copies in tests/notebook_outputs/, which ``pytest --nbval`` runs and compares.
"""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXECUTED = ROOT / "tests" / "notebook_outputs"


def _cells(path: Path) -> list[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for c in nb["cells"]]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_notebook_holds_no_output_and_so_no_answer(path):
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["source"][:80]
    assert "widgets" not in nb["metadata"]                 # saved widget state holds every answer area too
    assert "The model's answer, shown after your prediction" not in text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_executed_copy_has_exactly_the_shipped_cells(path):
    copy = EXECUTED / path.name
    assert copy.exists(), f"{copy} is missing: run make notebooks"
    assert _cells(copy) == _cells(path), f"{path.name} changed since make notebooks ran: run it again"
    executed = json.loads(copy.read_text(encoding="utf-8"))
    code = [c for c in executed["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code)           # every cell ran
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error" or o.get("name") == "stderr"]


def test_every_executed_copy_belongs_to_a_shipped_notebook():
    assert sorted(p.name for p in EXECUTED.glob("*.ipynb")) == [p.name for p in SHIPPED]
