"""Run the course notebooks and store what they showed, apart from the notebooks learners open.

    python tools/execute_notebooks.py            (make notebooks)  every notebook
    python tools/execute_notebooks.py 01 05      notebooks whose names start with these

Each notebook runs top to bottom in a fresh kernel started in ``notebooks/``
(as a learner's would, nothing kept: helpers.lesson keeps answers only in a
working copy or a browser). Then:

* the **shipped** notebook in ``notebooks/`` is written without any output,
  execution count or saved widget state: no answer is in the file (anyone could
  read a saved output before predicting), and no dead widget greets the learner;
* its **executed** copy goes to ``tests/notebook_outputs/`` (outputs kept,
  widget state left out): ``pytest --nbval`` runs those copies and compares
  every output with what they hold, so every number a notebook prints is
  re-checked whenever the model changes, and the instructor guide's numbers are
  checked against them (tests/test_guide.py).

``tests/test_notebook_files.py`` checks that the shipped notebooks hold no output
and that each executed copy has exactly the shipped notebook's cells.
"""
from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "notebooks"
EXECUTED = ROOT / "tests" / "notebook_outputs"
TIMEOUT_S = 600


def shipped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as learners get it: cells as written, no outputs, no counts, no widget state."""
    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    clean.metadata.pop("widgets", None)
    return clean


def executed_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook as the tests keep it: outputs, without the (large, run-specific) widget state."""
    kept = copy.deepcopy(nb)
    kept.metadata.pop("widgets", None)
    for cell in kept.cells:
        cell.metadata.pop("execution", None)
    return kept


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as runtime:   # the kernel talks over a Unix socket, not open TCP ports
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(runtime) / "kernel"))
        client = NotebookClient(nb, km=manager, timeout=TIMEOUT_S, record_timing=False,
                                resources={"metadata": {"path": str(COURSE)}})
        client.execute()
    seconds = time.monotonic() - start
    EXECUTED.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed_copy(nb), EXECUTED / path.name)
    nbformat.write(shipped(nb), path)
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose names start with these")
    args = parser.parse_args(argv)
    paths = [p for p in sorted(COURSE.glob("*.ipynb")) if not args.prefixes or p.name.startswith(tuple(args.prefixes))]
    if not paths:
        print(f"no notebook in {COURSE} starts with {', '.join(args.prefixes)}", file=sys.stderr)
        return 1
    for path in paths:
        try:
            seconds = run(path)
        except Exception as error:          # nbclient's CellExecutionError carries the cell and its traceback
            print(f"{path.name}: failed, nothing written\n{error}", file=sys.stderr)
            return 1
        print(f"{path.name}: ran in {seconds:.1f} s; shipped without outputs, outputs in "
              f"{EXECUTED.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
