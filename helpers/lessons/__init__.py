"""Self-checking tasks, one module per notebook (``nb01.py`` for notebook 01, ...).

Importing this package registers every task with :mod:`helpers.exercises`.
"""
import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
