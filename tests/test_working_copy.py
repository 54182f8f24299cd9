"""A learner's work is never lost and never leaks into the shipped course (tools/working_copy.py, make lab)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import working_copy  # noqa: E402  (a script folder, not a package)


def _course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    for name, text in (("01_a.ipynb", "one"), ("02_b.ipynb", "two")):
        (course / name).write_text(text)
    return course


def test_first_sync_copies_the_course(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    assert working_copy.sync(course, work) == {"01_a.ipynb": "copied", "02_b.ipynb": "copied"}
    assert (work / "01_a.ipynb").read_text() == "one"


def test_a_course_update_reaches_untouched_copies_and_never_overwrites_a_learners_work(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    working_copy.sync(course, work)
    (work / "01_a.ipynb").write_text("one + my answers")          # the learner worked here
    (course / "01_a.ipynb").write_text("one, revised")             # git pull brings a new version
    (course / "02_b.ipynb").write_text("two, revised")
    (course / "03_c.ipynb").write_text("three")                    # and a new notebook
    actions = working_copy.sync(course, work)
    assert actions == {"01_a.ipynb": "kept", "02_b.ipynb": "updated", "03_c.ipynb": "copied"}
    assert (work / "01_a.ipynb").read_text() == "one + my answers"
    assert (work / f"01_a{working_copy.UPDATE_SUFFIX}.ipynb").read_text() == "one, revised"
    assert (work / "02_b.ipynb").read_text() == "two, revised"
    assert working_copy.sync(course, work)["01_a.ipynb"] == "unchanged"     # said once, not every time


def test_reset_archives_the_work_and_starts_clean(tmp_path):
    course, work, archive = _course(tmp_path), tmp_path / "work", tmp_path / "archive"
    working_copy.sync(course, work)
    (work / "01_a.ipynb").write_text("answers of the morning group")
    moved = working_copy.reset(course, work, archive)
    assert (moved / "01_a.ipynb").read_text() == "answers of the morning group"
    assert (work / "01_a.ipynb").read_text() == "one"


def _tracked_changes() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_saves_a_learners_edit_in_the_working_copy_not_the_course(tmp_path):
    before = _tracked_changes()
    port, token, work = _free_port(), "krl-working-copy-test", tmp_path / "work"
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), IPYTHONDIR=str(tmp_path / "ipython"))
    env.pop("DISPLAY", None)
    lab = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}", f"WORK={work}"], cwd=ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert lab.poll() is None, lab.stdout.read().decode()[-3000:]
                assert time.monotonic() < deadline, "make lab did not start within 180 s"
                time.sleep(0.5)
        name = "01_route_explorer.ipynb"
        url = f"{base}/api/contents/{name}?token={token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            model = json.load(response)
        model["content"]["cells"][0]["source"] = "My own notes: the peak comes later than I guessed."
        body = json.dumps({"type": "notebook", "format": "json", "content": model["content"]}).encode()
        request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).close()
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=60)
    saved = json.loads((work / name).read_text())
    assert "My own notes" in "".join(saved["cells"][0]["source"])
    assert _tracked_changes() == before, "make lab changed a tracked file"
