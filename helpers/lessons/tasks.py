"""Self-checking tasks for the notebooks.

A learner finds a slider setting or completes a line of code, then calls
``check(task_id, answer)``. The check compares with the model's own answer,
computed afresh, and says whether the answer is right, without printing it.
The instructor guide lists every answer.

Each task is registered with :func:`task`; its checker receives the
learner's answer and returns ``(is_correct, hint)``.
"""
from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.checks import check_choice
from ..explorer.app import RouteExplorer
from ..model.routes import ROUTES

__all__ = ["Task", "TASKS", "task", "check", "CheckResult", "relative_match", "explorer_settings"]


@dataclass(frozen=True)
class Task:
    task_id: str
    prompt: str
    checker: Callable[[object], tuple[bool, str]]


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check; shows itself as one line in a notebook."""

    task_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        mark = "\u2713 Correct" if self.correct else "\u2717 Not yet"
        return f"{mark} ({self.task_id}): {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1b5e20" if self.correct else "#8a1c1c"
        return f"<p style='color:{colour}; font-weight:bold'>{repr(self)}</p>"


TASKS: dict[str, Task] = {}


def task(task_id: str, prompt: str):
    """Decorator registering a checker function under ``task_id``."""
    def register(checker):
        TASKS[task_id] = Task(task_id, prompt, checker)
        return checker
    return register


def relative_match(answer, expected: float, rel_tol: float, what: str) -> tuple[bool, str]:
    """Compare a numeric answer with the model's value without revealing the value."""
    if answer is None or isinstance(answer, bool) or not isinstance(answer, (int, float)) \
            or not math.isfinite(answer):
        return False, f"enter {what} as a number (replace the ... or None)."
    if abs(answer - expected) <= rel_tol * abs(expected):
        return True, f"{what} is within {rel_tol:.0%} of the model's value."
    direction = "high" if answer > expected else "low"
    return False, f"{what} is too {direction}; look again at the curve and try once more."


def explorer_settings(app, route: str, weight_kg: float = 70.0) -> tuple[dict | None, str]:
    """The explorer's simulate() arguments if it shows ``route`` at ``weight_kg``, else a hint.

    Returns ``(settings, "")`` or ``(None, hint)`` for slider tasks that read the explorer.
    """
    if not isinstance(app, RouteExplorer):
        return None, "pass the explorer itself: check(..., app)."
    settings = app.simulate_kwargs()
    if settings["route"] != route:
        label = ROUTES[route].label
        label = label if label[:2].isupper() else label[0].lower() + label[1:]   # "IV infusion", "intranasal"
        return None, f"choose the {label} route first."
    if abs(settings["weight_kg"] - weight_kg) > 0.5:
        return None, f"set the body weight back to {weight_kg:g} kg."
    return settings, ""


def check(task_id: str, answer) -> CheckResult:
    """Check a learner's answer to a registered task.

    Examples
    --------
    >>> @task("demo_double", "What is twice 21?")
    ... def _demo(answer):
    ...     return relative_match(answer, 42.0, 0.01, "your number")
    >>> bool(check("demo_double", 42))
    True
    >>> check("demo_double", 40)
    ✗ Not yet (demo_double): your number is too low; look again at the curve and try once more.
    """
    _load_tasks()
    task_id = check_choice("task_id", task_id, TASKS)
    correct, message = TASKS[task_id].checker(answer)
    return CheckResult(task_id, bool(correct), message)


def _load_tasks() -> None:
    """Import every notebook's task module once (each registers its tasks on import)."""
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("nb"):
            importlib.import_module(f"{__package__}.{module.name}")
