"""Answer widgets of the notebooks: no code needed to answer a task or to predict.

* :func:`answer` shows a task's answer field (with its unit beside it), a
  *Check* button and a feedback line; for a task read from the route explorer
  it shows the task and a *Check my explorer settings* button, to be displayed
  right under the explorer (the notebook may show the same widget again in its
  task list). The explorer itself is not shown twice: a second view of its
  sliders drops key presses.
  Before any try the line says "Not answered yet" (no red cross after Run All).
* :func:`ask` is a context manager for a predict-then-check question. The
  outputs of the ``with`` block (tables, figures, ``display(Markdown(...))``
  explanations, printed text) are captured and kept hidden until the learner
  has typed or chosen a prediction and pressed *Show the answer*; then they
  appear under the prediction. This works the same in JupyterLab, in Voila
  (where every output is on the page at once) and in JupyterLite.

The widgets' plain-text form (``text/plain``, which notebook viewers without
widgets and ``pytest --nbval`` see) contains the captured outputs' text, so
the numbers in them are re-checked on every test run. JupyterLab, Voila and
JupyterLite render the widget instead, so learners do not see it early.

Inside ``with ask(...):`` display things explicitly (``display(fig)``,
``display(Markdown(...))``): a bare last expression is not shown.
"""
from __future__ import annotations

import html
import re
import sys
import warnings

import ipywidgets as widgets
from IPython import get_ipython
from IPython.core.displaypub import DisplayPublisher
from IPython.display import display

from ..core.checks import check_choice
from ..presentation.widget_tools import adopt, close_tree, set_shown
from .answers import UNITS, AnswerError, Unit, decimal_rule, is_blank, read_number
from .tasks import STATUS_COLOURS, UNANSWERED, WRONG, Attempts, CheckResult, check, feedback_html, task_named

__all__ = ["answer", "ask", "TaskAnswer", "Prediction", "SHOW_ANSWER", "CHECK", "CHECK_EXPLORER", "NOT_ANSWERED"]

SHOW_ANSWER = "Show the answer"
CHECK = "Check"
CHECK_EXPLORER = "Check my explorer settings"
NOT_ANSWERED = "Not answered yet."
#: What an empty number field shows: how it reads numbers (answers.decimal_rule gives the whole rule).
NUMBER_PLACEHOLDER = "decimal point: 0.5"

STYLE = """<style>
.krl-lesson {font-size: 15px; margin: 4px 0 8px 0;}
.jp-OutputArea:has(.krl-lesson) .krl-stale, .jp-OutputArea:has(.krl-app) .krl-stale {display: none;}
.krl-lesson .krl-unit {font-weight: bold; padding: 0 6px; white-space: nowrap;}
.krl-lesson .krl-feedback {line-height: 1.4; max-width: 60em;}
.krl-lesson .widget-radio-box label {white-space: normal; height: auto; line-height: 1.35; margin: 2px 0;}
.krl-lesson .widget-radio-box {height: auto;}
.krl-lesson .krl-answer {border-left: 4px solid #1a3d6d; padding: 2px 0 2px 12px; margin-top: 6px;}
.krl-lesson .krl-yours {background: #eef3fa; border: 1px solid #1a3d6d; border-radius: 4px; padding: 3px 8px;}
.krl-lesson button {margin-left: 12px;}
</style>"""


def _feedback_line(result: CheckResult) -> str:
    tries = f" (try {result.tries})" if result.status == WRONG and result.tries > 1 else ""
    line = feedback_html(result)
    if tries:
        line = line.replace("</b>:", f"{html.escape(tries)}</b>:", 1)
    return f"<div class='krl-feedback' role='status' aria-live='polite'>{line}</div>"


def _neutral_line(text: str) -> str:
    return (f"<div class='krl-feedback' role='status' aria-live='polite'>"
            f"<span style='color:{STATUS_COLOURS[UNANSWERED]}'>{html.escape(text)}</span></div>")


#: Shown where a widget of a saved notebook cannot be drawn (its Python side is gone, after a restart): what to
#: do. A live widget's style hides it (it sits in the same output area).
STALE_NOTE = ("<div class='krl-stale' style='color:#444'>This part of the lesson needs the notebook to run: "
              "<b>Run &rarr; Run All Cells</b> brings it back, with your saved answers.</div>")


def show_with_note(obj, bundle: dict) -> None:
    """Display a widget's bundle after the note that replaces it when its Python side is gone (outside IPython,
    the object's plain text, as ``display`` gives it)."""
    if getattr(get_ipython(), "kernel", None) is None:      # a terminal, a doctest: no page to draw on
        display(obj)
        return
    display({"text/html": STALE_NOTE, "text/plain": ""}, raw=True)
    display(bundle, raw=True)


def _bundle(widget: widgets.Widget, text: str, still: str = "", **kwargs) -> dict:
    """The widget's bundle with its plain text (what nbval compares) and, for viewers without widgets and the
    browser edition's first picture, a still HTML picture of it (never an answer)."""
    bundle = dict(widget._repr_mimebundle_(**kwargs))
    bundle["text/plain"] = text
    if still:
        bundle["text/html"] = f"<div class='krl-lesson krl-still'>{STYLE}{still}</div>"
    return bundle


def _still_field(label: str, placeholder: str, unit: str, button: str) -> str:
    unit_html = f"<span class='krl-unit'>{html.escape(unit)}</span>" if unit else ""
    return (f"<div style='display:flex; flex-flow:row wrap; align-items:center; gap:6px'><label>{html.escape(label)} "
            f"<input type='text' disabled placeholder='{html.escape(placeholder, quote=True)}' style='width:14em'>"
            f"</label>{unit_html}<button disabled>{html.escape(button)}</button></div>")


# ----------------------------------------------------------------------------- tasks
class TaskAnswer:
    """The answer widget of one task (see :func:`answer`)."""

    def __init__(self, task_id: str, app=None, *, show_explorer: bool = False, attempts: Attempts | None = None,
                 keeper=None):
        self.task = task_named(task_id)
        self.attempts = Attempts() if attempts is None else attempts
        self.keeper, self.key = keeper, f"task:{self.task.task_id}"
        self.app = app
        self.result: CheckResult | None = None
        self.show_explorer = show_explorer
        explorer = self.task.kind == "explorer"
        if explorer and app is None:
            raise ValueError(f"task {task_id!r} reads the route explorer: pass it, answer({task_id!r}, app)")
        self.feedback = widgets.HTML(_neutral_line(NOT_ANSWERED))
        if explorer:
            self.field = None
            self.button = widgets.Button(description=CHECK_EXPLORER, button_style="primary",
                                         tooltip="Compare the explorer's current settings with the task",
                                         layout=widgets.Layout(width="auto"))
            row = [widgets.HTML(f"<b>Task:</b> {html.escape(self.task.prompt)}"), self.button]
        else:
            unit = self.task.unit
            self.field = widgets.Text(value="", placeholder=NUMBER_PLACEHOLDER, description="Your answer",
                                      style={"description_width": "initial"}, continuous_update=True,
                                      layout=widgets.Layout(width="19em"))
            self.field.tooltip = f"for example {unit.examples} ({decimal_rule()})"
            self.button = widgets.Button(description=CHECK, button_style="primary",
                                         tooltip="Check your answer (it is never shown); Enter in the field too",
                                         layout=widgets.Layout(width="auto"))
            row = [self.field, widgets.HTML(f"<span class='krl-unit'>{html.escape(unit.symbol)}</span>"),
                   self.button]
            with warnings.catch_warnings():     # on_submit is the one way to hear Enter without losing keystrokes
                warnings.simplefilter("ignore", DeprecationWarning)
                self.field.on_submit(lambda _: self.check())
            self.field.observe(lambda change: self._keep(), "value")
        self.button.on_click(lambda _: self.check())
        self.widget = widgets.VBox([widgets.HTML(STYLE), widgets.HBox(row, layout=widgets.Layout(
            flex_flow="row wrap", align_items="center")), self.feedback])
        self.widget.add_class("krl-lesson")
        self.widget.add_class("krl-task")
        self.widget.add_class(f"krl-task-{self.task.task_id}")     # found in any view, code shown or hidden
        self._restoring = False
        if keeper is not None:
            keeper.when_ready(self._restore)

    def close(self) -> None:
        """Close the widget (done for you when its cell runs again)."""
        close_tree(self.widget)

    def check(self, value=None) -> CheckResult:
        """Check the field's text (or ``value``, typed into the field first), as the Check button does."""
        if self.field is not None and value is not None:
            self.field.value = str(value)
        given = self.app if self.field is None else self.field.value
        self.result = check(self.task, given, self.attempts)
        self.feedback.value = _feedback_line(self.result)
        self._keep()
        return self.result

    # -------------------------------------------------------------- kept and restored by the lesson
    def _keep(self) -> None:
        if self.keeper is None or self._restoring:
            return
        typed = "" if self.field is None else self.field.value
        record = {"kind": "task", "question": self.task.task_id, "value": typed,
                  "tries": self.attempts.wrong(self.task.task_id)}
        if self.result is not None:
            record.update(status=self.result.status, message=self.result.message)
        self.keeper.save(self.key, record)

    def _restore(self) -> None:
        saved = self.keeper.saved(self.key)
        if not saved or self.result is not None or (self.field is not None and self.field.value):
            return                                   # nothing kept, or the learner is already at work here
        self._restoring = True
        try:
            self.attempts.counts[self.task.task_id] = int(saved.get("tries", 0))
            if self.field is not None:
                self.field.value = str(saved.get("value", ""))
            if "status" in saved:
                if self.field is not None and saved["status"] in ("correct", "wrong"):   # judged again, not counted
                    result = check(self.task, self.field.value, Attempts(self.attempts.counts))
                    self.result = CheckResult(result.task_id, result.status, result.message,
                                              self.attempts.wrong(self.task.task_id))
                else:
                    self.result = CheckResult(self.task.task_id, saved["status"], saved.get("message", ""),
                                              self.attempts.wrong(self.task.task_id))
                self.feedback.value = _feedback_line(self.result)
        finally:
            self._restoring = False

    def text(self) -> str:
        if self.field is None:
            how = f"set the explorer, then press \u201c{CHECK_EXPLORER}\u201d."
        else:
            how = f"type your answer (in {self.task.unit.symbol}) and press \u201c{CHECK}\u201d."
        state = NOT_ANSWERED if self.result is None else repr(self.result)
        return f"Task {self.task.task_id}: {how} {state}"

    def __repr__(self) -> str:
        return self.text()

    def _ipython_display_(self):
        if self.field is None and self.show_explorer:
            display(self.app)
        show_with_note(self, _bundle(self.widget, self.text(), self._still()))

    def _still(self) -> str:
        if self.field is None:
            return (f"<b>Task:</b> {html.escape(self.task.prompt)} <button disabled>{CHECK_EXPLORER}</button>"
                    f"{_neutral_line(NOT_ANSWERED)}")
        field = _still_field("Your answer", NUMBER_PLACEHOLDER, self.task.unit.symbol, CHECK)
        return field + _neutral_line(NOT_ANSWERED)


def answer(task_id: str, app=None, *, show_explorer: bool = False) -> TaskAnswer:
    """The answer widget of a task: a field with the unit and a Check button, or for a task read from the
    route explorer ``app``, the task and a *Check my explorer settings* button (``show_explorer=True`` also
    displays the explorer above it; do not show an explorer twice, its second view drops key presses).

    Examples
    --------
    >>> box = answer("00_oral_mg_reaching_blood")
    >>> box
    Task 00_oral_mg_reaching_blood: type your answer (in mg) and press “Check”. Not answered yet.
    >>> bool(box.check("ten")), box.result.status
    (False, 'unreadable')
    """
    box = TaskAnswer(task_id, app, show_explorer=show_explorer)
    adopt(box)
    return box


# ----------------------------------------------------------------------------- predictions
class _Stream:
    """sys.stdout stand-in that records what is printed, in order with displayed objects."""

    def __init__(self, sink: list, name: str):
        self.sink, self.name = sink, name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        if self.sink and self.sink[-1].get("output_type") == "stream" and self.sink[-1]["name"] == self.name:
            self.sink[-1]["text"] += text
        else:
            self.sink.append({"output_type": "stream", "name": self.name, "text": text})
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    """Display publisher that records display() calls instead of sending them to the front end."""

    def __init__(self, sink: list, **kwargs):
        super().__init__(**kwargs)
        self.sink = sink

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False):
        self.sink.append({"output_type": "display_data", "data": dict(data), "metadata": dict(metadata or {})})

    def clear_output(self, wait=False):
        self.sink.clear()


class _Capture:
    """Capture printed text and displayed objects (not stderr: warnings stay visible) between start and stop."""

    def __init__(self):
        self.outputs: list[dict] = []

    def start(self):
        self._shell = get_ipython()
        self._stdout = sys.stdout
        sys.stdout = _Stream(self.outputs, "stdout")
        if self._shell is not None:
            self._publisher = self._shell.display_pub
            self._shell.display_pub = _Publisher(self.outputs, shell=self._shell)
        return self

    def stop(self) -> list[dict]:
        sys.stdout = self._stdout
        if self._shell is not None:
            self._shell.display_pub = self._publisher
        return [o for o in self.outputs if o.get("output_type") != "stream" or o["text"]]


_WRAPPER_REPR = re.compile(r"^<IPython\.core\.display\.\w+ object>$")


def _output_text(output: dict) -> str:
    """The text nbval compares for one captured output: markdown source, else plain text (else HTML)."""
    if output["output_type"] == "stream":
        return output["text"].rstrip("\n")
    data = output["data"]
    if "text/markdown" in data:
        return str(data["text/markdown"]).strip()
    plain = str(data.get("text/plain", ""))
    if _WRAPPER_REPR.match(plain) and "text/html" in data:
        return str(data["text/html"]).strip()
    return plain.strip()


def _unit_named(unit) -> Unit | None:
    if unit is None or isinstance(unit, Unit):
        return unit
    for candidate in UNITS:
        if unit in (candidate.symbol, candidate.quantity):
            return candidate
    raise ValueError(f"unit must be one of {', '.join(repr(u.symbol) for u in UNITS)} or a Unit; got {unit!r}")


class Prediction:
    """A predict-then-check question (see :func:`ask`)."""

    def __init__(self, label: str, *, choices=None, kind: str | None = None, unit=None, keeper=None):
        if choices is not None:
            kind = "choice"
            choices = [str(c) for c in choices]
            if len(choices) < 2:
                raise ValueError("choices must list at least two options")
        kind = check_choice("kind", kind or ("number" if unit is not None else "text"), ("choice", "number", "text"))
        if kind == "choice" and choices is None:
            raise ValueError("kind='choice' needs choices=[...]")
        self.label, self.kind, self.choices = str(label), kind, choices
        self.unit = _unit_named(unit)
        if kind == "number" and self.unit is None:
            raise ValueError("kind='number' needs a unit (for example unit='min')")
        self.outputs: list[dict] = []
        self.prediction = None
        self._capture = None
        self.keeper, self.key, self._restoring = keeper, f"ask:{self.label}", False
        self._build()
        if keeper is not None:
            keeper.when_ready(self._restore)

    # -------------------------------------------------------------- widgets
    def _build(self):
        style = {"description_width": "initial"}
        if self.kind == "choice":
            self.field = widgets.RadioButtons(options=self.choices, value=None, description="Your prediction",
                                              style=style, layout=widgets.Layout(width="auto", max_width="100%"))
            field_row = [self.field]
        elif self.kind == "number":
            self.field = widgets.Text(value="", placeholder=NUMBER_PLACEHOLDER, description="Your prediction",
                                      style=style, continuous_update=True, layout=widgets.Layout(width="19em"),
                                      tooltip=f"for example {self.unit.examples} ({decimal_rule()})")
            field_row = [self.field, widgets.HTML(f"<span class='krl-unit'>{html.escape(self.unit.symbol)}</span>")]
        else:
            self.field = widgets.Textarea(value="", placeholder="Write your prediction here", description="Your "
                                          "prediction", style=style, continuous_update=True, rows=2,
                                          layout=widgets.Layout(width="100%", max_width="44em"))
            field_row = [self.field]
        self.button = widgets.Button(description=SHOW_ANSWER, disabled=True,
                                     tooltip="Commit your prediction first", layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML(_neutral_line(self._waiting_text()))
        self.answer_area = widgets.Output(layout=widgets.Layout(display="none"))
        self.answer_area.add_class("krl-answer")
        self.field.observe(self._on_edit, names="value")
        self.button.on_click(lambda _: self.commit())
        self.widget = widgets.VBox([
            widgets.HTML(STYLE + f"<b>{html.escape(self.label)}</b>: your prediction first, then the model's "
                                  f"answer."),
            widgets.HBox(field_row + [self.button], layout=widgets.Layout(flex_flow="row wrap",
                                                                           align_items="flex-end")),
            self.status, self.answer_area])
        self.widget.add_class("krl-lesson")
        self.widget.add_class("krl-ask")

    def _waiting_text(self) -> str:
        verb = "Choose" if self.kind == "choice" else "Type"
        return f"{verb} your prediction, then press \u201c{SHOW_ANSWER}\u201d."

    def _on_edit(self, change):
        if self.prediction is None:
            self.button.disabled = is_blank(change["new"])
            self._keep()

    # -------------------------------------------------------------- kept and restored by the lesson
    def _keep(self) -> None:
        if self.keeper is not None and not self._restoring:
            value = self.field.value
            self.keeper.save(self.key, {"kind": "prediction", "question": self.label,
                                        "value": "" if value is None else str(value), "committed": self.revealed})

    def _restore(self) -> None:
        saved = self.keeper.saved(self.key)
        if not saved or self.revealed or not is_blank(self.field.value):
            return                                   # nothing kept, or the learner is already at work here
        value = saved.get("value", "")
        if self.kind == "choice" and value not in self.choices:
            return                                   # a choice this release no longer offers
        self._restoring = True
        try:
            self.field.value = value
            if saved.get("committed"):
                self.commit()
        finally:
            self._restoring = False

    def close(self) -> None:
        """Close the widget (done for you when its cell runs again)."""
        close_tree(self.widget)

    @property
    def revealed(self) -> bool:
        return self.prediction is not None

    def commit(self, value=None) -> bool:
        """Commit the prediction (the field's, or ``value`` put into the field) and show the answer.

        Returns False, with the reason in the status line, if there is nothing to commit or a
        number prediction cannot be read.
        """
        if self.revealed:
            return True
        if value is not None:
            self.field.value = value
        given = self.field.value
        if is_blank(given):
            self.status.value = _neutral_line(self._waiting_text())
            return False
        shown = str(given).strip()
        if self.kind == "number":
            try:
                read_number(given, self.unit)
            except AnswerError as error:
                self.status.value = _neutral_line(f"{error}")
                return False
            if not re.search(r"[^\d\s.,+\-−]", shown):
                shown = f"{shown} {self.unit.symbol}"
        self.prediction = shown
        self.field.disabled = True
        self.button.disabled = True
        self.button.description = "Answer shown"
        self.status.value = (f"<div class='krl-yours' role='status' aria-live='polite'><b>Your prediction:</b> "
                             f"{html.escape(shown)}. The model's answer is below.</div>")
        set_shown(self.answer_area, True)
        self._keep()
        return True

    # -------------------------------------------------------------- capture
    def __enter__(self) -> Prediction:
        self._capture = _Capture().start()
        return self

    def __exit__(self, exc_type, exc, tb):
        outputs = self._capture.stop()
        self._capture = None
        if exc_type is not None:            # show what ran before the error, then let it propagate
            for output in outputs:
                if output["output_type"] == "stream":
                    sys.stdout.write(output["text"])
                else:
                    display(output["data"], metadata=output["metadata"], raw=True)
            return False
        self.outputs = outputs
        self.answer_area.outputs = tuple(outputs)
        show_with_note(self, self._repr_mimebundle_())
        return False

    def answer_text(self) -> str:
        """The captured outputs as text (what nbval compares)."""
        return "\n".join(text for text in (_output_text(o) for o in self.outputs) if text)

    def text(self) -> str:
        if self.kind == "choice":
            how = "choose your prediction (" + " / ".join(self.choices) + ")"
        elif self.kind == "number":
            how = f"type your prediction (in {self.unit.symbol})"
        else:
            how = "write your prediction"
        head = f"{self.label}: {how}, then press \u201c{SHOW_ANSWER}\u201d."
        return f"{head}\n[The model's answer, shown after your prediction:]\n{self.answer_text()}"

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, **kwargs):
        return _bundle(self.widget, self.text(), self._still(), **kwargs)

    def _still(self) -> str:
        head = f"<b>{html.escape(self.label)}</b>: your prediction first, then the model's answer."
        if self.kind == "choice":
            options = "".join(f"<label style='display:block'><input type='radio' disabled> {html.escape(c)}</label>"
                              for c in self.choices)
            field = f"<div>{options}</div><button disabled>{SHOW_ANSWER}</button>"
        else:
            field = _still_field("Your prediction", NUMBER_PLACEHOLDER if self.kind == "number" else
                                 "Write your prediction here", self.unit.symbol if self.unit else "", SHOW_ANSWER)
        return head + field + _neutral_line(self._waiting_text())


def ask(label: str, *, choices=None, kind: str | None = None, unit=None) -> Prediction:
    """A predict-then-check question: use as ``with ask(...):`` around the code that shows the answer.

    Parameters
    ----------
    label : str
        Shown in bold above the field, e.g. ``"Question 1"``.
    choices : list of str, optional
        Multiple choice: the learner picks one.
    kind : {"number", "text"}, optional
        A number (needs ``unit``, e.g. ``"min"``, ``"ng/mL"``, ``"%"``) or free text (the default).
    unit : str or Unit, optional
        The unit shown beside a number prediction.

    Examples
    --------
    >>> with ask("Question 1", choices=["the bolus", "the infusion"]) as question:
    ...     print("The bolus peaks higher.")
    Question 1: choose your prediction (the bolus / the infusion), then press “Show the answer”.
    [The model's answer, shown after your prediction:]
    The bolus peaks higher.
    >>> question.revealed, question.button.disabled
    (False, True)
    >>> question.commit("the infusion"), question.prediction
    (True, 'the infusion')
    """
    question = Prediction(label, choices=choices, kind=kind, unit=unit)
    adopt(question)
    return question
