"""Where a learner's answers are kept: one record per question, per lesson, restored when the lesson reopens.

A record is a small dict: what the learner typed or chose (``value``), whether a
prediction was committed, a task's last result, the number of wrong tries,
and when (``time``). The explorer's settings are a record too (its share code).
Three places, chosen by :func:`store_for` from where the kernel runs:

* :class:`FileStore`: a JSON file per lesson in the learner's working copy
  (``work/.krl-answers/``, made by ``make lab``; ``make reset`` archives it with
  the notebooks). Also wherever ``KRL_ANSWERS_DIR`` points (a hub's home folder).
* :class:`BrowserStore`: the browser's own storage (``localStorage``), through a
  tiny widget whose page-side half reads and writes it (anywidget). Used in the
  app view (Voila, whose kernel runs on a server that saves nothing) and in the
  browser edition (JupyterLite and its app view). A reset done in another tab
  (the landing page's *Reset*) is noticed: this page then stops writing, so a
  reset can never be undone by a page left open.
* :class:`MemoryStore`: nothing kept (scripts, tests, a notebook opened straight
  from the course folder, whose files are never written).

A new course release keeps the answers to the questions that still exist:
records are keyed by lesson and question id, not by release.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

__all__ = ["AnswerStore", "MemoryStore", "FileStore", "BrowserStore", "store_for", "WORKING_COPY_MARKER",
           "ANSWERS_FOLDER", "BROWSER_KEY_PREFIX", "BROWSER_EXPORT_PREFIX", "RESET_KEY"]

#: The file ``make lab`` puts in a learner's working copy (tools/working_copy.py writes it; a test keeps the two
#: names the same): answers are kept beside the notebooks only there.
WORKING_COPY_MARKER = ".krl-working-copy"
ANSWERS_FOLDER = ".krl-answers"
#: localStorage keys: one per lesson, its *My answers* rows (the landing page's export of every lesson reads
#: them), and the time of the last reset (the landing page's Reset sets it).
BROWSER_KEY_PREFIX = "ketamine-routes-lab:answers:"
BROWSER_EXPORT_PREFIX = "ketamine-routes-lab:export:"
RESET_KEY = "ketamine-routes-lab:reset-at"
_LESSON_ID = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


class AnswerStore:
    """Records of one lesson, by question key. ``ready`` once the saved records are loaded (at once for a
    file; when the page answers for the browser); :meth:`when_ready` runs a callback then."""

    kept = ("Your answers are not kept here: open the course with make lab (your own copy), the app view or the "
            "browser edition to keep them.")

    def __init__(self, lesson_id: str):
        if not isinstance(lesson_id, str) or not _LESSON_ID.match(lesson_id):
            raise ValueError(f"lesson id must be 1-80 letters, digits, '_', '-' or '.'; got {lesson_id!r}")
        self.lesson_id = lesson_id
        self.records: dict[str, dict] = {}
        self.ready = False
        self.problem = ""            # set when records can no longer be kept (disk full, reset elsewhere)
        self.note = ""               # something the learner should know about their saved answers
        self._waiting: list[Callable[[], None]] = []

    def when_ready(self, callback: Callable[[], None]) -> None:
        if self.ready:
            callback()
        else:
            self._waiting.append(callback)

    def _loaded(self, records: dict) -> None:
        self.records = {str(k): dict(v) for k, v in records.items() if isinstance(v, dict)}
        self.ready = True
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()

    def get(self, key: str) -> dict | None:
        return self.records.get(key)

    def put(self, key: str, record: dict) -> None:
        if self.problem:
            return
        self.records[key] = dict(record)
        self._write(key)

    def clear(self) -> None:
        """Forget every record of this lesson (here and where they are kept)."""
        self.records = {}
        self._write(None)

    def put_export(self, columns: tuple[str, ...], rows: list[dict]) -> None:
        """The lesson's *My answers* rows, for a reader outside the kernel (only the browser has one)."""

    def _write(self, key: str | None) -> None:
        pass


class MemoryStore(AnswerStore):
    def __init__(self, lesson_id: str):
        super().__init__(lesson_id)
        self._loaded({})


class FileStore(AnswerStore):
    """A lesson's records as JSON in a folder (written whole and renamed into place: never half a file)."""

    def __init__(self, lesson_id: str, folder: Path):
        super().__init__(lesson_id)
        self.path = Path(folder) / f"{lesson_id}.json"
        self.kept = f"Your answers are kept in your working copy ({self.path.parent.name}/{self.path.name})."
        try:
            records = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
            if not isinstance(records, dict):
                raise ValueError("not a table of answers")
        except (OSError, ValueError) as error:
            records = {}
            self._set_aside(f"could not be read ({error})")
        self._loaded(records)

    def _set_aside(self, why: str) -> None:
        """Keep an unreadable file under another name (a learner's work is never deleted) and start afresh."""
        with contextlib.suppress(OSError):
            self.path.rename(self.path.with_suffix(".unreadable.json"))
        self.problem = ""
        self.note = f"Your saved answers {why}; they were kept as {self.path.stem}.unreadable.json."

    def _write(self, key) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False,
                                             suffix=".tmp") as handle:
                json.dump(self.records, handle, indent=1, sort_keys=True, ensure_ascii=False)
            os.replace(handle.name, self.path)
        except OSError as error:
            self.problem = (f"Your answers can no longer be saved in {self.path.parent} "
                            f"({error.strerror or error}); they stay on this page until it closes.")


class _BrowserSide(anywidget.AnyWidget):
    """The page-side half of :class:`BrowserStore`: reads the lesson's records from localStorage once, writes
    each record sent to it, and reports a reset made in another tab (never drawn: it has no view)."""

    _esm = """
    const RESET = "%(reset)s";
    function initialize({ model }) {
      const key = "%(prefix)s" + model.get("lesson"), exportKey = "%(export)s" + model.get("lesson");
      const epoch = localStorage.getItem(RESET) || "";
      let records = {};
      try { records = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { records = {}; }
      model.set("loaded", records);
      model.set("status", "ready");
      model.save_changes();
      const stale = () => (localStorage.getItem(RESET) || "") !== epoch;
      model.on("msg:custom", (msg) => {
        if (stale()) { model.set("status", "reset-elsewhere"); model.save_changes(); return; }
        let now = {};
        try { now = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { now = {}; }
        if (msg.type === "put") { now[msg.key] = msg.record; }
        try {
          if (msg.type === "clear") { localStorage.removeItem(key); localStorage.removeItem(exportKey); }
          else if (msg.type === "export") { localStorage.setItem(exportKey, JSON.stringify(msg.table)); }
          else { localStorage.setItem(key, JSON.stringify(now)); }
        } catch (e) { model.set("status", "full"); model.save_changes(); }
      });
      window.addEventListener("storage", (event) => {
        if (event.key === RESET || event.key === null) { model.set("status", "reset-elsewhere"); model.save_changes(); }
      });
    }
    export default { initialize };
    """ % {"reset": RESET_KEY, "prefix": BROWSER_KEY_PREFIX, "export": BROWSER_EXPORT_PREFIX}   # noqa: UP031 (the JavaScript is full of braces)
    lesson = traitlets.Unicode().tag(sync=True)
    loaded = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("waiting").tag(sync=True)


class BrowserStore(AnswerStore):
    """A lesson's records in this browser's localStorage (see the module's docstring)."""

    kept = "Your answers are kept in this browser, on this device only."

    def __init__(self, lesson_id: str):
        super().__init__(lesson_id)
        self.side = _BrowserSide(lesson=lesson_id)
        self.side.observe(self._status, "status")

    def _status(self, change) -> None:
        status = change["new"]
        if status == "ready" and not self.ready:
            self._loaded(self.side.loaded)
        elif status == "reset-elsewhere":
            self.problem = ("Your answers were reset in another tab: reload this page to start again (nothing "
                            "more is saved from here).")
        elif status == "full":
            self.problem = "This browser's storage is full: your answers stay on this page until it closes."

    def put_export(self, columns, rows) -> None:
        if not self.problem:
            self.side.send({"type": "export", "table": {"columns": list(columns),
                                                        "rows": [[row[c] for c in columns] for row in rows]}})

    def _write(self, key) -> None:
        if key is None:
            self.side.send({"type": "clear"})
        else:
            self.side.send({"type": "put", "key": key, "record": self.records[key]})

    def close(self) -> None:
        self.side.close()


def _in_a_browser_kernel() -> bool:
    """True in the browser edition (Pyodide) and in Voila's app view (a server kernel that keeps nothing)."""
    return sys.platform == "emscripten" or bool(os.environ.get("VOILA_KERNEL_ID") or
                                                os.environ.get("VOILA_REQUEST_URL"))


def store_for(lesson_id: str, folder: Path | None = None) -> AnswerStore:
    """The store a lesson's answers go to, from where the kernel runs (see the module's docstring)."""
    if os.environ.get("KRL_ANSWERS_DIR"):
        return FileStore(lesson_id, Path(os.environ["KRL_ANSWERS_DIR"]))
    here = Path(folder or Path.cwd())
    if (here / WORKING_COPY_MARKER).exists():
        return FileStore(lesson_id, here / ANSWERS_FOLDER)
    if _in_a_browser_kernel():
        return BrowserStore(lesson_id)
    return MemoryStore(lesson_id)
