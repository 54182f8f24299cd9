"""A lesson: one notebook's answer widgets and explorer, and the learner's work in it, kept and restored.

Each notebook starts with ``lesson = helpers.lesson("01_route_explorer")`` and
then asks through it: ``with lesson.ask("Question 1"):``,
``lesson.answer("01_im_peak_time")``, ``app = lesson.explore(...)``,
``lesson.check(task_id, value)``. The lesson owns what one learner does in
one notebook, nothing shared with other notebooks or kernels:

* the records of every prediction (typed or chosen, committed or not), every
  task answer with its result and tries, and the explorer's settings, kept
  where the learner's work lives (:func:`~helpers.lessons.store.store_for`) and
  put back when the lesson is opened again;
* the wrong tries of each task (the method is taught from the third);
* a bar at the top: where the answers are kept, *My answers* (a CSV file to
  keep or hand in: lesson, question, prediction, answer, result, time),
  *Clear my answers*, and a notice when the course has a newer version of the
  lesson beside the learner's copy.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import html
import io
from pathlib import Path

import ipywidgets as widgets

from ..explorer.app import explore as _explore_dashboard
from ..explorer.export import download_link
from ..presentation.plotting import DISCLAIMER
from ..presentation.widget_tools import adopt, close_tree
from .store import AnswerStore, store_for
from .tasks import Attempts, CheckResult, check, task_named
from .widgets import STYLE, Prediction, TaskAnswer

__all__ = ["Lesson", "lesson", "CSV_COLUMNS", "UPDATE_SUFFIX"]

CSV_COLUMNS = ("lesson", "question", "prediction", "answer", "result", "time")
#: How make lab names the course's newer version of a lesson the learner changed (tools/working_copy.py).
UPDATE_SUFFIX = " (course update)"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class Lesson:
    """One notebook's questions, tasks and explorer, with the learner's records (see the module)."""

    def __init__(self, lesson_id: str, *, store: AnswerStore | None = None, folder: Path | None = None):
        self.store = store or store_for(lesson_id, folder)
        self.lesson_id = self.store.lesson_id
        self.attempts = Attempts()
        self.folder = Path(folder or Path.cwd())
        self._status = widgets.HTML()
        self._download = widgets.HTML()
        export = widgets.Button(description="My answers", icon="download", layout=widgets.Layout(width="auto"),
                                tooltip="Download your predictions and answers in this lesson (CSV)")
        clear = widgets.Button(description="Clear my answers", icon="eraser", layout=widgets.Layout(width="auto"),
                               tooltip="Forget every answer kept for this lesson (press twice)")
        export.on_click(lambda _: self.show_download())
        clear.on_click(lambda _: self._clear_pressed())
        self._clear_button, self._clear_armed = clear, False
        self.widget = widgets.VBox([widgets.HTML(STYLE), self._status,
                                    widgets.HBox([export, clear, self._download],
                                                 layout=widgets.Layout(flex_flow="row wrap", align_items="center"))])
        self.widget.add_class("krl-lesson")
        self.widget.add_class("krl-lesson-bar")
        self._say()
        self.store.when_ready(self._say)

    # ------------------------------------------------------------------ asking
    def ask(self, label: str, *, choices=None, kind: str | None = None, unit=None) -> Prediction:
        """A predict-then-check question whose prediction is kept (use as ``with lesson.ask(...):``)."""
        question = Prediction(label, choices=choices, kind=kind, unit=unit, keeper=self)
        adopt(question)
        return question

    def answer(self, task_id: str, app=None, *, show_explorer: bool = False) -> TaskAnswer:
        """A task's answer widget whose answer, result and tries are kept."""
        box = TaskAnswer(task_id, app, show_explorer=show_explorer, attempts=self.attempts, keeper=self)
        adopt(box)
        return box

    def explore(self, *args, **settings):
        """The route explorer (:func:`helpers.explore`), reopened with the settings the learner left it in."""
        app = _explore_dashboard(*args, **settings)
        key = f"explorer:{app.origin}"
        record = self.store.get(key) if self.store.ready else None

        def restore():
            saved = self.store.get(key)
            if saved and saved.get("code") and saved["code"] != app.share_code():
                with contextlib.suppress(ValueError):   # settings this release no longer has: as the notebook says
                    app.load(saved["code"])
            app.observers.append(lambda: self.save(key, {"kind": "explorer", "question": "explorer settings",
                                                         "code": app.share_code()}))
        if record is not None or self.store.ready:
            restore()
        else:
            self.store.when_ready(restore)
        return app

    def check(self, task_id, value) -> CheckResult:
        """Check an answer from code, counting this lesson's wrong tries (as the answer widget does)."""
        return check(task_named(task_id), value, self.attempts)

    # ------------------------------------------------------------------ records
    def save(self, key: str, record: dict) -> None:
        self.store.put(key, {**record, "time": _now()})
        self.store.put_export(CSV_COLUMNS, self.rows())
        if self.store.problem:
            self._say()

    def saved(self, key: str) -> dict | None:
        return self.store.get(key)

    def when_ready(self, callback) -> None:
        self.store.when_ready(callback)

    def rows(self) -> list[dict]:
        """The learner's records as rows of the *My answers* file (:data:`CSV_COLUMNS`)."""
        rows = []
        for record in self.store.records.values():
            kind = record.get("kind")
            row = {"lesson": self.lesson_id, "question": record.get("question", ""), "prediction": "", "answer": "",
                   "result": "", "time": record.get("time", "")}
            if kind == "prediction":
                row["prediction"] = record.get("value", "")
                row["result"] = "answer shown" if record.get("committed") else "not committed yet"
            elif kind == "task":
                row["answer"] = record.get("value", "")
                row["result"] = f"{record.get('status', '')} ({record.get('tries', 0)} wrong tries)"
            elif kind == "explorer":
                row["answer"] = record.get("code", "")
                row["result"] = "explorer settings (a share code)"
            rows.append(row)
        return sorted(rows, key=lambda r: (r["time"], r["question"]))

    def csv_text(self) -> str:
        out = io.StringIO()
        out.write(f"# Ketamine Routes Lab: my answers, lesson {self.lesson_id}\n# {DISCLAIMER}\n")
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows())
        return out.getvalue()

    def show_download(self) -> None:
        self._download.value = download_link(self.csv_text().encode("utf-8"), f"my-answers-{self.lesson_id}.csv",
                                             "Download my answers (CSV)")

    def _clear_pressed(self) -> None:
        if not self._clear_armed:
            self._clear_armed = True
            self._clear_button.description = "Press again to clear"
            return
        self.store.clear()
        self.attempts.reset()
        self._clear_armed = False
        self._clear_button.description = "Clear my answers"
        self._say("Your answers in this lesson were cleared; run the notebook again for empty fields.")

    # ------------------------------------------------------------------ the bar
    def update_beside(self) -> str:
        """The name of the course's newer version of this lesson beside the learner's copy, or ""."""
        newer = sorted(self.folder.glob(f"{self.lesson_id}{UPDATE_SUFFIX[:-1]}*.ipynb"))
        return newer[-1].name if newer else ""

    def _say(self, extra: str = "") -> None:
        parts = [html.escape(self.store.kept)]
        if not self.store.ready:
            parts = ["Looking for your saved answers..."]
        for text in (self.store.note, self.store.problem, extra):
            if text:
                parts.append(f"<b>{html.escape(text)}</b>")
        beside = self.update_beside()
        if beside:
            parts.append(f"<b>The course has a newer version of this lesson: open <i>{html.escape(beside)}</i> in "
                         f"the file browser.</b> Your own copy (this one) is kept as you left it.")
        self._status.value = f"<div class='krl-lesson-status' role='status'>{' '.join(parts)}</div>"

    def text(self) -> str:
        return f"Lesson {self.lesson_id}. {self.store.kept}"

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, **kwargs):
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = self.text()
        bundle["text/html"] = (f"<div class='krl-lesson krl-lesson-bar krl-still'>{STYLE}"
                               "<div class='krl-lesson-status'>Your answers are kept once the lesson is running (make "
                               "lab, the app view or the browser edition).</div><button disabled>My answers</button> "
                               "<button disabled>Clear my answers</button></div>")
        return bundle

    def close(self) -> None:
        close_tree(self.widget)
        getattr(self.store, "close", lambda: None)()


def lesson(lesson_id: str) -> Lesson:
    """The lesson of a notebook (its file name without ``.ipynb``): ask, answer and explore through it.

    >>> intro = lesson("00_start_here")
    >>> intro.store.kept.startswith("Your answers are not kept here")
    True
    """
    found = Lesson(lesson_id)
    adopt(found)
    return found
