"""Layer 5, lessons: the self-checking tasks of the notebooks, one module per notebook (``nb01.py``...).

:mod:`helpers.lessons.tasks` is the task framework; :func:`load_all_tasks`
imports every ``nbNN`` module so its tasks are registered.
"""
import importlib
import pkgutil

__all__ = ["load_all_tasks"]


def load_all_tasks() -> None:
    """Import every notebook's task module (each registers its tasks on import)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("nb"):
            importlib.import_module(f"{__name__}.{module.name}")
