"""A learner's answers survive: kept per lesson where the learner's work lives, put back when the lesson reopens."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from helpers.lessons import store as store_module
from helpers.lessons.lesson import CSV_COLUMNS, Lesson
from helpers.lessons.store import BrowserStore, FileStore, MemoryStore, store_for

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import working_copy  # noqa: E402  (a script folder, not a package)

TASK = "00_oral_mg_reaching_blood"


def _working_copy(tmp_path: Path) -> Path:
    (tmp_path / store_module.WORKING_COPY_MARKER).write_text("")
    return tmp_path


def _work_in(lesson: Lesson):
    """A learner's session: a prediction committed, one typed but not committed, a task answered wrongly twice."""
    with lesson.ask("Question 1", unit="mg") as q1:
        print("the model's answer")
    with lesson.ask("Question 2", choices=["flat", "peaks and troughs"]) as q2:
        print("another answer")
    box = lesson.answer(TASK)
    q1.commit("7 mg")
    q2.field.value = "flat"
    box.check("3")
    box.check("4")
    return q1, q2, box


def test_the_marker_name_is_the_working_copy_tools():
    assert store_module.WORKING_COPY_MARKER == working_copy.MARKER


def test_answers_come_back_when_the_lesson_is_opened_again(tmp_path):
    folder = _working_copy(tmp_path)
    _work_in(Lesson("00_start_here", folder=folder))
    saved = json.loads((folder / ".krl-answers" / "00_start_here.json").read_text())
    assert saved["ask:Question 1"]["committed"] is True and saved["task:" + TASK]["tries"] == 2
    again = Lesson("00_start_here", folder=folder)            # a reload, a restart, the next day
    with again.ask("Question 1", unit="mg") as q1:
        print("the model's answer")
    with again.ask("Question 2", choices=["flat", "peaks and troughs"]) as q2:
        print("another answer")
    box = again.answer(TASK)
    assert q1.revealed and q1.prediction == "7 mg" and q1.field.disabled
    assert not q2.revealed and q2.field.value == "flat" and not q2.button.disabled
    assert box.field.value == "4" and box.result.status == "wrong" and "(try 2)" in box.feedback.value
    assert again.attempts.wrong(TASK) == 2
    assert "How to work it out" in box.check("5").message          # the third wrong try, counted across the restart


def test_a_new_release_keeps_the_answers_to_questions_that_still_exist(tmp_path):
    folder = _working_copy(tmp_path)
    _work_in(Lesson("00_start_here", folder=folder))
    path = folder / ".krl-answers" / "00_start_here.json"
    records = json.loads(path.read_text())
    records["ask:A question this release removed"] = {"kind": "prediction", "value": "x", "committed": True}
    path.write_text(json.dumps(records))
    again = Lesson("00_start_here", folder=folder)
    with again.ask("Question 2", choices=["flat", "peaks and troughs", "a new option"]) as q2:
        print("answer")
    assert q2.field.value == "flat"
    with again.ask("Question 1", choices=["a", "b"]) as q1:      # now multiple choice: the old "7 mg" is no option
        print("answer")
    assert q1.field.value is None and not q1.revealed


def test_my_answers_is_a_file_with_every_record(tmp_path):
    lesson = Lesson("00_start_here", folder=_working_copy(tmp_path))
    _work_in(lesson)
    text = lesson.csv_text()
    assert text.startswith("# Ketamine Routes Lab: my answers, lesson 00_start_here\n# Teaching simulation")
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_question = {row["question"]: row for row in rows}
    assert by_question["Question 1"]["prediction"] == "7 mg" and by_question["Question 1"]["result"] == "answer shown"
    assert by_question["Question 2"]["result"] == "not committed yet"
    assert by_question[TASK]["answer"] == "4" and by_question[TASK]["result"].startswith("wrong (2 wrong tries)")
    assert all(row["time"] for row in rows)
    lesson.show_download()
    assert "download='my-answers-00_start_here.csv'" in lesson._download.value


def test_clear_forgets_the_lessons_answers_after_a_second_press(tmp_path):
    folder = _working_copy(tmp_path)
    lesson = Lesson("00_start_here", folder=folder)
    _work_in(lesson)
    lesson._clear_button.click()
    assert lesson.store.records                                   # one press: only armed
    lesson._clear_button.click()
    assert lesson.store.records == {} and lesson.attempts.wrong(TASK) == 0
    assert json.loads((folder / ".krl-answers" / "00_start_here.json").read_text()) == {}


def test_an_unreadable_answers_file_is_set_aside_not_deleted(tmp_path):
    folder = _working_copy(tmp_path)
    (folder / ".krl-answers").mkdir()
    (folder / ".krl-answers" / "00_start_here.json").write_text("{broken")
    lesson = Lesson("00_start_here", folder=folder)
    assert (folder / ".krl-answers" / "00_start_here.unreadable.json").read_text() == "{broken"
    assert "could not be read" in lesson._status.value and lesson.store.records == {}


def test_a_folder_that_cannot_be_written_says_so_and_keeps_the_page_working(tmp_path):
    folder = _working_copy(tmp_path)
    (folder / ".krl-answers").write_text("a file where the folder should be")
    lesson = Lesson("00_start_here", folder=folder)
    q1, _, box = _work_in(lesson)                                # nothing raises
    assert q1.revealed and box.result.status == "wrong"
    assert "can no longer be saved" in lesson._status.value


def test_the_explorer_reopens_where_the_learner_left_it(tmp_path):
    folder = _working_copy(tmp_path)
    app = Lesson("01_route_explorer", folder=folder).explore(route="iv_infusion")
    app.controls["route"].value = "sublingual"
    app.controls["weight"].value = 82
    again = Lesson("01_route_explorer", folder=folder).explore(route="iv_infusion")
    assert again.state == app.state


def test_the_course_update_beside_the_learners_copy_is_named_in_the_lesson(tmp_path):
    folder = _working_copy(tmp_path)
    (folder / "00_start_here (course update).ipynb").write_text("{}")
    lesson = Lesson("00_start_here", folder=folder)
    assert "newer version of this lesson" in lesson._status.value and "(course update).ipynb" in lesson._status.value


# ----------------------------------------------------------------------------- where the answers go
def test_the_store_follows_where_the_kernel_runs(tmp_path, monkeypatch):
    monkeypatch.delenv("KRL_ANSWERS_DIR", raising=False)
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_REQUEST_URL", raising=False)
    assert isinstance(store_for("00_start_here", tmp_path), MemoryStore)        # the course folder: nothing kept
    assert isinstance(store_for("00_start_here", _working_copy(tmp_path)), FileStore)
    monkeypatch.setenv("VOILA_KERNEL_ID", "abc")
    assert isinstance(store_for("00_start_here", tmp_path / "elsewhere"), BrowserStore)
    monkeypatch.setenv("KRL_ANSWERS_DIR", str(tmp_path / "hub-home"))
    assert isinstance(store_for("00_start_here"), FileStore)
    with pytest.raises(ValueError, match="lesson id"):
        store_for("../../etc/passwd")


def test_the_browser_store_restores_once_the_page_answers_and_stops_after_a_reset_elsewhere(monkeypatch):
    sent = []
    store = BrowserStore("00_start_here")
    monkeypatch.setattr(store.side, "send", sent.append)
    lesson = Lesson("00_start_here", store=store)
    with lesson.ask("Question 1", unit="mg") as q1:
        print("answer")
    assert not q1.revealed and "Looking for your saved answers" in lesson._status.value
    # the page-side half reads localStorage and answers
    store.side.loaded = {"ask:Question 1": {"kind": "prediction", "question": "Question 1", "value": "9",
                                            "committed": True}}
    store.side.status = "ready"
    assert q1.revealed and q1.prediction == "9 mg" and "kept in this browser" in lesson._status.value
    box = lesson.answer(TASK)
    box.check("3")
    put, export = sent[-2:]
    assert put["type"] == "put" and put["key"] == "task:" + TASK and put["record"]["value"] == "3"
    # the landing page's My answers reads these rows: the lesson's own file's columns, one row per record
    assert export["type"] == "export" and export["table"]["columns"] == list(CSV_COLUMNS)
    table = dict(zip(export["table"]["columns"], zip(*export["table"]["rows"])))
    assert table["question"] == ("Question 1", TASK) and table["prediction"][0] == "9"
    assert table["answer"][1] == "3" and table["lesson"] == ("00_start_here",) * 2
    store.side.status = "reset-elsewhere"            # the landing page's Reset, in another tab
    count = len(sent)
    box.check("4")
    assert len(sent) == count and "reset in another tab" in store.problem
