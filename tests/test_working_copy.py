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


def test_a_second_update_replaces_an_untouched_update_copy_and_keeps_an_edited_one(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    working_copy.sync(course, work)
    (work / "01_a.ipynb").write_text("one + my answers")
    (course / "01_a.ipynb").write_text("one, revised")
    working_copy.sync(course, work)
    first = work / f"01_a{working_copy.UPDATE_SUFFIX}.ipynb"
    (course / "01_a.ipynb").write_text("one, revised again")      # a second update; the first copy untouched
    assert working_copy.sync(course, work)["01_a.ipynb"] == "kept"
    assert first.read_text() == "one, revised again"
    first.write_text("one, revised again + notes on the update")  # now the learner works in the update copy
    (course / "01_a.ipynb").write_text("one, third version")
    actions, notes = working_copy.sync_with_notes(course, work)
    assert actions["01_a.ipynb"] == "kept"
    assert first.read_text() == "one, revised again + notes on the update"
    second = work / "01_a (course update 2).ipynb"
    assert second.read_text() == "one, third version" and second.name in notes[-1]
    assert (work / "01_a.ipynb").read_text() == "one + my answers"


def test_a_damaged_manifest_keeps_every_notebook_and_says_so(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    working_copy.sync(course, work)
    (work / "01_a.ipynb").write_text("one + my answers")
    (work / working_copy.MANIFEST).write_text("{not json")
    (course / "02_b.ipynb").write_text("two, revised")
    actions, notes = working_copy.sync_with_notes(course, work)
    assert actions == {"01_a.ipynb": "kept", "02_b.ipynb": "kept"}
    assert "could not be read" in notes[0] and "\n" not in notes[0]
    assert (work / "01_a.ipynb").read_text() == "one + my answers" and (work / "02_b.ipynb").read_text() == "two"
    assert (work / f"02_b{working_copy.UPDATE_SUFFIX}.ipynb").read_text() == "two, revised"


def test_a_folder_that_cannot_be_written_is_one_line_and_exit_1(tmp_path, capsys):
    course = _course(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert working_copy.main(["sync", "--course", str(course), "--work", str(blocked / "work")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("make sync: cannot write the working copy") and "\n" not in err and "Traceback" not in err
    assert working_copy.main(["sync", "--course", str(tmp_path / "missing"), "--work", str(tmp_path / "w")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_reset_refuses_while_a_server_serves_the_work_folder_and_force_stops_it(tmp_path):
    course, work, archive, runtime = _course(tmp_path), tmp_path / "work", tmp_path / "archive", tmp_path / "rt"
    working_copy.sync(course, work)
    (work / "01_a.ipynb").write_text("answers of the morning group")
    runtime.mkdir()
    # a stand-in server that is not this test's child (a real one is not), so its end is seen at once
    pid = int(subprocess.run(["sh", "-c", "sleep 120 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True,
                             check=True).stdout)
    (runtime / f"jpserver-{pid}.json").write_text(json.dumps(
        {"pid": pid, "root_dir": str(work), "url": "http://localhost:8888/"}))
    try:
        with pytest.raises(working_copy.WorkingCopyError, match=r"still running on .*\(pid \d+"):
            working_copy.reset(course, work, archive, runtime_dirs=[runtime])
        assert (work / "01_a.ipynb").read_text() == "answers of the morning group" and not archive.exists()
        moved = working_copy.reset(course, work, archive, force=True, runtime_dirs=[runtime])
        assert not working_copy.servers_on(work, [runtime])
        assert (moved / "01_a.ipynb").read_text() == "answers of the morning group"
        assert (work / "01_a.ipynb").read_text() == "one"
    finally:
        subprocess.run(["kill", "-9", str(pid)], capture_output=True)


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
        saved = json.loads((work / name).read_text())
        assert "My own notes" in "".join(saved["cells"][0]["source"])
        # make reset while the lab still serves work/: refused, nothing moved
        archive = tmp_path / "archive"
        reset = ["make", "--no-print-directory", "reset", f"WORK={work}", f"ARCHIVE={archive}"]
        refused = subprocess.run(reset, cwd=ROOT, env=env, capture_output=True, text=True)
        assert refused.returncode != 0 and "still running on" in refused.stderr and "FORCE=1" in refused.stderr
        assert "Traceback" not in refused.stderr and not archive.exists()
        # FORCE=1 stops the lab first, then archives the group's work and starts clean
        forced = subprocess.run(reset + ["FORCE=1"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert forced.returncode == 0, forced.stderr
        assert lab.wait(timeout=60) is not None
        (moved,) = archive.iterdir()
        assert "My own notes" in (moved / name).read_text()
        assert "My own notes" not in (work / name).read_text()
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
            lab.wait(timeout=60)
    assert _tracked_changes() == before, "make lab changed a tracked file"
