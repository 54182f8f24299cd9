"""Small rules every widget of the course follows: how to show and hide one, and when to let one go.

* :func:`set_shown` is the one way a control is shown or hidden. It sets the
  layout's ``display`` to ``""`` (the browser's default) or ``"none"``. Not
  ``None``: JupyterLab and Voila treat ``None`` as "remove the style", but the
  browser edition's widget manager ignores it, so a control hidden once never
  came back there (issue 17).
* :func:`close_tree` closes a widget with everything it holds (children,
  layout, style), which is what frees it: ipywidgets keeps every open widget
  in its registry for the life of the kernel.
* :func:`adopt` ties an object with a ``close()`` method (the explorer, an
  answer widget) to the notebook cell whose run made it. When that cell runs
  again, the objects of its previous run are closed: their output has just
  been replaced, so nobody can see or use them any more, and without this
  every re-run would keep about a megabyte per explorer. Objects made outside
  a cell (scripts, tests) are never closed behind the caller's back.
"""
from __future__ import annotations

import weakref

from IPython import get_ipython

__all__ = ["set_shown", "close_tree", "adopt", "current_cell"]


def set_shown(widget, shown: bool) -> None:
    """Show (``display: ''``) or hide (``display: none``) a widget, in every front end."""
    value = "" if shown else "none"
    if widget.layout.display != value:
        widget.layout.display = value


def close_tree(widget) -> None:
    """Close a widget, its children (recursively), and its layout and style objects."""
    seen = set()
    stack = [widget]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen or not hasattr(item, "close"):
            continue
        seen.add(id(item))
        stack += list(getattr(item, "children", ()) or ())
        stack += [getattr(item, "layout", None), getattr(item, "style", None)]
        item.close()


def current_cell() -> tuple[str, str] | None:
    """(cell id, id of this run) of the notebook cell the kernel is running, or None outside a cell.

    JupyterLab, Voila, JupyterLite and nbclient send the cell's id in the execute request's metadata.
    """
    kernel = getattr(get_ipython(), "kernel", None)
    try:
        parent = kernel.get_parent("shell")
        if parent["header"]["msg_type"] != "execute_request":
            return None
        cell = parent.get("metadata", {}).get("cellId")
        return (str(cell), str(parent["header"]["msg_id"])) if cell else None
    except (AttributeError, KeyError, LookupError, TypeError):
        return None


def adopt(obj) -> None:
    """Close ``obj`` (``obj.close()``) when the cell that made it runs again; see the module's docstring."""
    cell = current_cell()
    shell = get_ipython()
    if cell is None or shell is None:
        return
    cell_id, run = cell
    # per kernel (one notebook), on the shell itself; weak references never keep anything alive
    runs = shell.__dict__.setdefault("_krl_cell_objects", {})
    previous_run, objects = runs.get(cell_id, (None, []))
    if previous_run != run:
        for ref in objects:
            old = ref()
            if old is not None:
                old.close()
        objects = []
    objects.append(weakref.ref(obj))
    runs[cell_id] = (run, objects)
