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

    python tools/execute_notebooks.py --snapshots DIR   (make site runs this)

runs the notebooks the same way but writes nothing into the course: only each lesson's
*first picture* (``DIR/<lesson>.json``: per code cell, still HTML or PNG of what it shows
at the start, never an answer), which the browser edition shows while Python starts.
"""
from __future__ import annotations

import argparse
import copy
import json
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


def execute(path: Path) -> tuple[nbformat.NotebookNode, float]:
    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as runtime:   # the kernel talks over a Unix socket, not open TCP ports
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(runtime) / "kernel"))
        client = NotebookClient(nb, km=manager, timeout=TIMEOUT_S, record_timing=False,
                                resources={"metadata": {"path": str(COURSE)}})
        client.execute()
    return nb, time.monotonic() - start


def still_outputs(cell) -> list[dict]:
    """What a code cell shows at the start, as still outputs: a widget's still picture (its text/html),
    figures, tables and text, but not the note that stands in for a widget that cannot be drawn."""
    from nbconvert.filters import markdown2html_mistune

    kept = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output.get("name") == "stdout":
            text = output["text"]
            kept.append({"output_type": "stream", "name": "stdout", "text": text})
            continue
        data = output.get("data", {})
        if str(data.get("text/html", "")).startswith("<div class='krl-stale'"):
            continue
        for kind in ("text/html", "image/png", "image/svg+xml"):
            if kind in data:
                kept.append({"output_type": "display_data", "metadata": {}, "data": {kind: data[kind],
                                                                                    "text/plain": ""}})
                break
        else:
            if "text/markdown" in data:
                kept.append({"output_type": "display_data", "metadata": {}, "data": {
                    "text/html": markdown2html_mistune(data["text/markdown"]), "text/plain": ""}})
            elif data.get("text/plain"):
                kept.append({"output_type": "stream", "name": "stdout", "text": data["text/plain"] + "\n"})
    return kept


def snapshots(path: Path, folder: Path) -> float:
    nb, seconds = execute(path)
    cells = {str(i): still_outputs(cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{path.stem}.json").write_text(json.dumps({"notebook": path.name, "cells": cells}), encoding="utf-8")
    return seconds


def run(path: Path) -> float:
    nb, seconds = execute(path)
    EXECUTED.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed_copy(nb), EXECUTED / path.name)
    nbformat.write(shipped(nb), path)
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose names start with these")
    parser.add_argument("--snapshots", type=Path, help="write only each lesson's first picture into this folder")
    args = parser.parse_args(argv)
    paths = [p for p in sorted(COURSE.glob("*.ipynb")) if not args.prefixes or p.name.startswith(tuple(args.prefixes))]
    if not paths:
        print(f"no notebook in {COURSE} starts with {', '.join(args.prefixes)}", file=sys.stderr)
        return 1
    for path in paths:
        try:
            seconds = snapshots(path, args.snapshots) if args.snapshots else run(path)
        except Exception as error:          # nbclient's CellExecutionError carries the cell and its traceback
            print(f"{path.name}: failed, nothing written\n{error}", file=sys.stderr)
            return 1
        if args.snapshots:
            print(f"{path.name}: ran in {seconds:.1f} s; first picture in {args.snapshots}/")
        else:
            print(f"{path.name}: ran in {seconds:.1f} s; shipped without outputs, outputs in "
                  f"{EXECUTED.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
