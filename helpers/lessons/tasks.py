"""Self-checking tasks for the notebooks.

A learner types an answer into a task's field (or sets the route explorer)
and presses *Check*; from code, ``check(task_id, answer)`` does the same and
gives the same messages. The check compares with the model's own answer,
computed afresh, and never shows it. The instructor guide lists every answer.

Two kinds of task are registered here by the ``nbNN`` modules:

* :func:`number_task`: the answer is a number in a :class:`~helpers.lessons.answers.Unit`.
  The task's function returns an :class:`Expected`: the model's value and the
  values that known misconceptions lead to (forgetting the bioavailability,
  minutes for hours...), each with a targeted hint.
* :func:`explorer_task`: the answer is a setting of the route explorer. Every
  setting that defines the intended curve (route, weight, dose, number of
  doses, swallowed fraction, sampling site...) is compared with the task's
  set-up, except the ones the learner is asked to vary, which the task's
  function judges.

Feedback never says "too high" or "too low" (a learner could home in on any
answer by halving); a wrong answer gets a misconception's hint or a neutral
"not within X%", and from the third wrong try on, the method (the steps,
without the number).
"""
from __future__ import annotations

import html
import importlib
import math
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from ..core.checks import check_choice
from ..model.routes import ROUTES
from ..model.simulation import Simulation, simulate
from .answers import AnswerError, Unit, is_blank, read_number

__all__ = ["Task", "TASKS", "Expected", "Misconception", "Verdict", "CheckResult", "number_task", "explorer_task",
           "check", "Attempts", "task_named", "METHOD_AFTER_TRIES", "MISCONCEPTION_TOLERANCE",
           "MAX_MISCONCEPTION_TOLERANCE",
           "explorer_settings", "resolved_settings", "feedback_html", "other_route_misconceptions",
           "peak_misconceptions", "ABSORBED_ROUTES", "load_tasks", "STATUS_COLOURS", "BLOODS", "in_either_blood",
           "EXPLORER_BLOOD", "ExplorerLike"]

#: From this many wrong tries on, the feedback also teaches the method.
METHOD_AFTER_TRIES = 3
#: A wrong answer matches a misconception within the task's tolerance, but at least this relative distance...
MISCONCEPTION_TOLERANCE = 0.05
#: ...and at most this one (a slip is computed exactly; a wide task tolerance is for reading a curve).
MAX_MISCONCEPTION_TOLERANCE = 0.10

CORRECT, WRONG, UNANSWERED, UNREADABLE = "correct", "wrong", "unanswered", "unreadable"


@runtime_checkable
class ExplorerLike(Protocol):
    """What an explorer task reads: the explorer's simulate() arguments (a RouteExplorer, or the widget-free
    :func:`helpers.explorer.session`), so checking one needs no widgets."""

    def simulate_kwargs(self) -> dict: ...


@dataclass(frozen=True)
class Misconception:
    """A wrong value a known mistake leads to (in the task's unit), and the hint for it."""

    value: float
    hint: str
    rel_tol: float | None = None
    abs_tol: float = 0.0

    def distance(self, answer: float) -> float:
        return abs(answer - self.value) / max(abs(self.value), self.abs_tol, 1e-300)

    def matches(self, answer: float, task_tol: float) -> bool:
        tol = self.rel_tol if self.rel_tol is not None else min(max(task_tol, MISCONCEPTION_TOLERANCE),
                                                                    MAX_MISCONCEPTION_TOLERANCE)
        return math.isfinite(self.value) and abs(answer - self.value) <= max(tol * abs(self.value), self.abs_tol)


@dataclass(frozen=True)
class Expected:
    """The model's answer to a number task and the misconceptions to recognise.

    ``alternatives`` are other accepted values, each with a note saying what it is (the same
    quantity in venous blood, as the explorer shows it); ``note`` says what ``value`` is.
    """

    value: float
    misconceptions: tuple[Misconception, ...] = ()
    alternatives: tuple[tuple[float, str], ...] = ()
    note: str = ""


#: The blood the route explorer starts with (tests/test_lessons.py checks it): explorer tasks expect it.
EXPLORER_BLOOD = "venous"

#: Where a number read from the notebook's tables (simulate()'s default) and from the explorer comes from.
BLOODS = (("arterial", "arterial blood, as simulate() and the notebook's tables give it"),
          ("venous", "venous blood, as the explorer shows it"))


def in_either_blood(compute: Callable[[str], float], misconceptions=()) -> Expected:
    """Accept a blood level's answer computed for arterial blood (the model's own) or for venous blood (the
    explorer's default): ``compute(sampling_site)`` gives the answer for one."""
    (first, first_note), *others = BLOODS
    return Expected(compute(first), tuple(misconceptions), tuple((compute(site), note) for site, note in others),
                    first_note)


@dataclass(frozen=True)
class Verdict:
    """An explorer task's judgement of the setting the learner was asked to find."""

    correct: bool
    hint: str = ""


@dataclass(frozen=True)
class Task:
    """A registered task. ``kind`` is ``"number"`` or ``"explorer"``."""

    task_id: str
    prompt: str
    kind: str
    why: str
    method: str
    solve: Callable = field(repr=False)
    unit: Unit | None = None
    rel_tol: float = 0.05
    setup: dict | None = None
    vary: tuple[str, ...] = ()

    @property
    def tolerance_text(self) -> str:
        return f"{self.rel_tol:.0%}"

    @cached_property
    def expected(self) -> Expected:
        """A number task's answer and misconceptions, computed once (not on every Check: the model's
        answer cannot change while the course runs)."""
        return self.solve()


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check; shows itself as one line in a notebook.

    ``status`` is ``correct``, ``wrong``, ``unanswered`` (nothing given yet)
    or ``unreadable`` (not a number, wrong kind of unit...: not counted as a try).
    """

    task_id: str
    status: str
    message: str
    tries: int = 0

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    @property
    def headline(self) -> str:
        return {CORRECT: "\u2713 Correct", WRONG: "\u2717 Not yet", UNANSWERED: "Not answered yet",
                UNREADABLE: "Could not check"}[self.status]

    def __repr__(self) -> str:
        return f"{self.headline} ({self.task_id}): {self.message}"

    def _repr_html_(self) -> str:
        return f"<p class='krl-feedback krl-{self.status}'>{feedback_html(self)}</p>"


#: Text colours of the feedback line (contrast >= 7:1 on white); neutral states are not red.
STATUS_COLOURS = {CORRECT: "#1b5e20", WRONG: "#8a1c1c", UNANSWERED: "#444444", UNREADABLE: "#1a3d6d"}


def feedback_html(result: CheckResult) -> str:
    """The feedback line's HTML: a bold headline and the message, coloured by status."""
    colour = STATUS_COLOURS[result.status]
    return (f"<span style='color:{colour}'><b>{html.escape(result.headline)}</b>: "
            f"{html.escape(result.message)}</span>")


def number_task(task_id: str, prompt: str, *, unit: Unit, rel_tol: float, why: str, method: str):
    """Declare a task whose answer is a number in ``unit``; the decorated function returns an :class:`Expected`.

    The function is returned unchanged, with its :class:`Task` as ``.task``: :data:`TASKS` collects them
    from the ``nbNN`` modules (nothing is registered anywhere when a module is imported).
    """
    def declare(solve: Callable[[], Expected]):
        solve.task = Task(task_id, prompt, "number", why, method, solve, unit=unit, rel_tol=rel_tol)
        return solve
    return declare


def explorer_task(task_id: str, prompt: str, *, setup: dict, vary: tuple[str, ...], why: str, method: str):
    """Declare a task answered by setting the route explorer.

    ``setup`` holds :func:`helpers.simulate` arguments the explorer must match
    (anything left out takes simulate's default); ``vary`` names the ones the
    learner is asked to find, judged by the decorated function, which receives
    the explorer's simulate() arguments and returns a :class:`Verdict`.
    """
    def declare(judge: Callable[[dict], Verdict]):
        judge.task = Task(task_id, prompt, "explorer", why, method, judge, setup=dict(setup), vary=tuple(vary))
        return judge
    return declare


class _TaskCatalogue(Mapping):
    """Every task of every notebook (task id -> :class:`Task`), read-only, collected on first use."""

    @cached_property
    def _tasks(self) -> MappingProxyType:
        found = {}
        for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
            if info.name.startswith("nb"):
                module = importlib.import_module(f"{__package__}.{info.name}")
                for value in vars(module).values():
                    task = getattr(value, "task", None)
                    if isinstance(task, Task):
                        if task.task_id in found:
                            raise ValueError(f"task id {task.task_id!r} is declared twice")
                        found[task.task_id] = task
        return MappingProxyType(dict(sorted(found.items())))

    def __getitem__(self, key):
        return self._tasks[key]

    def __iter__(self):
        return iter(self._tasks)

    def __len__(self):
        return len(self._tasks)


#: Every task of the course, by id (read-only).
TASKS: Mapping[str, Task] = _TaskCatalogue()


class Attempts:
    """Wrong tries per task, for one learner in one lesson (each answer widget or lesson owns one).

    The count decides when the method is taught (from :data:`METHOD_AFTER_TRIES` on).
    """

    def __init__(self, counts: dict | None = None):
        self.counts: dict[str, int] = dict(counts or {})

    def wrong(self, task_id: str) -> int:
        return self.counts.get(task_id, 0)

    def add_wrong(self, task_id: str) -> int:
        self.counts[task_id] = self.wrong(task_id) + 1
        return self.counts[task_id]

    def reset(self, task_id: str | None = None) -> None:
        if task_id is None:
            self.counts.clear()
        else:
            self.counts.pop(task_id, None)


def task_named(task_id) -> Task:
    """The task with this id (a :class:`Task` is returned as it is); a clear error for an unknown one."""
    if isinstance(task_id, Task):
        return task_id
    return TASKS[check_choice("task_id", task_id, TASKS)]


def check(task_id, answer, attempts: Attempts | None = None) -> CheckResult:
    """Check a learner's answer to a task (a number or text for number tasks, the explorer otherwise).

    ``attempts`` counts the wrong tries (the method is taught from the third); without it, each call
    counts as a first try. A lesson's ``lesson.check(task_id, answer)`` keeps the count for you.

    Examples
    --------
    >>> from helpers.lessons.answers import MINUTES
    >>> @number_task("demo_double", "What is twice 21 minutes?", unit=MINUTES, rel_tol=0.01,
    ...              why="21 + 21.", method="Add 21 to itself.")
    ... def demo():
    ...     return Expected(42.0, (Misconception(21.0, "that is 21 once; double it."),))
    >>> check(demo.task, "42 min")
    ✓ Correct (demo_double): within 1% of the model's value. 21 + 21.
    >>> check(demo.task, "0.7 h")
    ✓ Correct (demo_double): within 1% of the model's value. 21 + 21.
    >>> tries = Attempts()
    >>> check(demo.task, 21, tries), check(demo.task, 20, tries).tries
    (✗ Not yet (demo_double): that is 21 once; double it., 2)
    >>> check(demo.task, None)
    Not answered yet (demo_double): type your answer (in min) and press Check.
    """
    task = task_named(task_id)
    attempts = Attempts() if attempts is None else attempts
    if task.kind == "explorer":
        return _check_explorer(task, answer, attempts)
    return _check_number(task, answer, attempts)


def _wrong(task: Task, hint: str, attempts: Attempts) -> CheckResult:
    tries = attempts.add_wrong(task.task_id)
    if tries >= METHOD_AFTER_TRIES:
        hint = f"{hint} How to work it out: {task.method}"
    return CheckResult(task.task_id, WRONG, hint, tries)


def _check_number(task: Task, answer, attempts: Attempts, decimal: str = ".") -> CheckResult:
    tries = attempts.wrong(task.task_id)
    if is_blank(answer):
        return CheckResult(task.task_id, UNANSWERED, f"type your answer (in {task.unit.symbol}) and press Check.",
                           tries)
    if isinstance(answer, ExplorerLike):
        return CheckResult(task.task_id, UNREADABLE, "this task wants a number, not the explorer: type the value "
                           "you read from it.", tries)
    try:
        value = read_number(answer, task.unit, decimal)
    except AnswerError as error:
        return CheckResult(task.task_id, UNREADABLE, str(error), tries)
    expected = task.expected
    accepted = [(abs(value - v) / abs(v), note) for v, note in ((expected.value, expected.note), *expected.alternatives)
                if abs(value - v) <= task.rel_tol * abs(v)]
    if accepted:
        note = min(accepted)[1]                   # say which value it matched: the nearest
        said = f" ({note})" if note else ""
        return CheckResult(task.task_id, CORRECT, f"within {task.tolerance_text} of the model's value{said}. "
                           f"{task.why}", tries)
    misreadings = tuple(Misconception(expected.value * m.factor, m.hint) for m in task.unit.misreadings)
    for candidates in (expected.misconceptions, misreadings):       # the task's own slips first
        matching = [m for m in candidates if m.matches(value, task.rel_tol)]
        if matching:                                                 # the nearest, when several are close
            return _wrong(task, min(matching, key=lambda m: m.distance(value)).hint, attempts)
    return _wrong(task, f"not within {task.tolerance_text} of the model's value. Check each step and the units, "
                        "then try again.", attempts)


# ----------------------------------------------------------------------------- explorer tasks
_SETTING_ORDER = ("route", "weight_kg", "dose_mg", "n_doses", "interval_min", "infusion_min",
                  "swallowed_fraction", "sampling_site", "model")
_TOLERANCES = {"weight_kg": (0.0, 0.5), "dose_mg": (0.01, 0.0), "interval_min": (0.0, 0.5),
               "infusion_min": (0.0, 0.5), "swallowed_fraction": (0.0, 0.03)}    # (relative, absolute)


def resolved_settings(kwargs: dict) -> dict:
    """Every setting that shapes a curve, with simulate()'s defaults filled in (the window excluded)."""
    sim: Simulation = simulate(**{**kwargs, "t_end_min": 1.0, "dt_min": 1.0})
    route = ROUTES[sim.route]
    swallowed = sim.swallowed_fraction
    if swallowed is None and route.has_swallowed_part:
        swallowed = route.default_swallowed_fraction
    return {"route": sim.route, "weight_kg": sim.weight_kg, "dose_mg": sim.dose_mg, "n_doses": sim.n_doses,
            "interval_min": sim.interval_min if sim.n_doses > 1 else None, "infusion_min": sim.infusion_min,
            "swallowed_fraction": swallowed, "sampling_site": sim.sampling_site, "model": sim.model}


def _same(name: str, value, wanted) -> bool:
    if value is None or wanted is None or isinstance(value, str) or isinstance(wanted, str):
        return value == wanted
    rel, absolute = _TOLERANCES.get(name, (1e-9, 1e-9))
    return abs(value - wanted) <= max(rel * abs(wanted), absolute)


def _route_label(key: str) -> str:
    label = ROUTES[key].label
    return label if label[:2].isupper() else label[0].lower() + label[1:]     # "IV infusion", "intranasal"


def _setting_hint(name: str, wanted: dict) -> str:
    value = wanted[name]
    if name == "route":
        return f"choose the {_route_label(value)} route"
    if name == "weight_kg":
        return f"set the body weight back to {value:g} kg"
    if name == "dose_mg":
        return f"set the dose back to {value / wanted['weight_kg']:.3g} mg/kg ({value:.3g} mg)"
    if name == "n_doses":
        return "use a single dose (Number of doses 1)" if value == 1 else f"set the number of doses to {value}"
    if name == "interval_min":
        return f"set the dose interval back to {value / 60:g} h"
    if name == "infusion_min":
        return f"set the infusion duration back to {value:g} min"
    if name == "swallowed_fraction":
        return f"set the swallowed fraction back to its starting value, {value:.2f}"
    if name == "sampling_site":
        return f"set the blood sampling site back to {value}"
    return f"set {name.replace('_', ' ')} back to {value}"


def explorer_settings(app, task: Task) -> tuple[dict | None, list[str]]:
    """The explorer's simulate() arguments, and the set-up hints for every setting that differs from the task's."""
    kwargs = dict(app.simulate_kwargs())
    got = resolved_settings(kwargs)
    wanted = resolved_settings(task.setup)
    if got["route"] != wanted["route"]:
        return kwargs, [_setting_hint("route", wanted)]
    hints = [_setting_hint(name, wanted) for name in _SETTING_ORDER
             if name not in task.vary and not _same(name, got[name], wanted[name])
             and not (name == "interval_min" and wanted[name] is None)]    # "one dose" says it already
    return kwargs, hints


def _check_explorer(task: Task, app, attempts: Attempts) -> CheckResult:
    tries = attempts.wrong(task.task_id)
    if not isinstance(app, ExplorerLike):
        return CheckResult(task.task_id, UNREADABLE, "this task reads the route explorer: set it, then press "
                           f"\u201cCheck my explorer settings\u201d (from code: check({task.task_id!r}, app)).", tries)
    try:
        kwargs, hints = explorer_settings(app, task)
    except ValueError as error:       # a setting the model cannot simulate
        return CheckResult(task.task_id, UNREADABLE, f"the explorer's settings cannot be simulated: {error}", tries)
    if hints:
        return _wrong(task, "first " + "; ".join(hints) + ".", attempts)
    verdict = task.solve(kwargs)
    if verdict.correct:
        return CheckResult(task.task_id, CORRECT, f"{verdict.hint} {task.why}".strip(), tries)
    return _wrong(task, verdict.hint, attempts)


# ----------------------------------------------------------------------------- shared misconceptions
#: Racemic ketamine routes whose bioavailability a learner may pick up by mistake (IV is "forgot F").
ABSORBED_ROUTES = ("intramuscular", "intranasal", "sublingual", "oral", "rectal")


def other_route_misconceptions(route: str, formula: Callable[[float], float]) -> tuple[Misconception, ...]:
    """The answer computed with another route's bioavailability, one hint per distinct value."""
    own = ROUTES[route].bioavailability
    by_f: dict[float, list[str]] = {}
    for key in ABSORBED_ROUTES:
        f = ROUTES[key].bioavailability
        if key != route and not math.isclose(f, own, rel_tol=1e-9):
            by_f.setdefault(round(f, 9), []).append(_route_label(key))
    return tuple(Misconception(formula(f), f"that uses the bioavailability of the {' or '.join(labels)} route; "
                                           f"use the {_route_label(route)} one.")
                 for f, labels in by_f.items())


def peak_misconceptions(route: str, dose_mg: float, weight_kg: float) -> tuple[Misconception, ...]:
    """A peak-time task's usual slips: the peak level instead of its time, or another route's peak time."""
    found = []
    for site, _ in BLOODS:
        grid = {"t_end_min": 480.0, "dt_min": 0.5, "sampling_site": site}
        own = simulate(route, dose_mg, weight_kg, **grid)
        found.append(Misconception(own.cmax_ng_ml, "that is the peak level (Cmax, in ng/mL); the task asks when "
                                                   "the peak happens (Tmax, in minutes)."))
        start = simulate("iv_infusion", dose_mg, weight_kg, **grid)
        found.append(Misconception(start.tmax_min, f"that is the peak time of the IV infusion, the route the "
                                                   f"explorer starts with; choose {_route_label(route)} first."))
        for key in ABSORBED_ROUTES:
            if key != route:
                other = simulate(key, dose_mg, weight_kg, **grid)
                found.append(Misconception(other.tmax_min, f"that is the peak time of the {_route_label(key)} "
                                                           f"route; choose {_route_label(route)}."))
    return tuple(found)


def load_tasks() -> None:
    """Collect every notebook's tasks now (they are otherwise collected on first use of :data:`TASKS`)."""
    len(TASKS)
