"""The route explorer dashboard: sliders for route, dose and weight beside the plasma curve.

``explore()`` returns a :class:`RouteExplorer`, which displays itself in
JupyterLab, Voila and the browser edition. It is an
:class:`~helpers.explorer.session.ExplorerSession` (the state, what it shows,
every action, checked by the one validator) plus widgets: the controls
(:mod:`.controls`, built from the registry in :mod:`.settings`), the cached
figure (:mod:`.drawing`) and the text panels (:mod:`.panels`). This module only
wires them. Every change is handled before the control's assignment returns,
so code and tests can read the new curve, pixels and readouts straight away.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import asyncio
import base64
import html
import zlib
from pathlib import Path

import ipywidgets as widgets
from IPython import get_ipython

from ..evidence.cases import CASES
from ..presentation.source_panel import source_panel_html
from ..presentation.widget_tools import adopt, close_tree
from . import export, share
from .controls import BUTTONS, make_controls, make_layout, sync_controls
from .drawing import PlotCanvas
from .panels import (
    caption_html,
    case_html,
    comparison_html,
    notes_html,
    plot_html,
    readouts_html,
    share_html,
    snapshot_html,
)
from .session import ExplorerSession, starting_state
from .settings import CONTROLS

__all__ = ["RouteExplorer", "explore"]

#: Seconds between a new frame and the widgets and text that follow it, for a change made on the page.
FOLLOW_UP_S = 0.02
_OUTPUTS = ("plot", "readouts", "share", "message", "export", "notes", "source_panel")


def _page_event_loop():
    """The kernel's running event loop while it handles a widget message from the page, else None.

    Code run in a cell (an execute request), tests and scripts get None: their changes stay synchronous.
    """
    kernel = getattr(get_ipython(), "kernel", None)
    try:
        if kernel is None or kernel.get_parent("shell")["header"]["msg_type"] != "comm_msg":
            return None
        return asyncio.get_running_loop()
    except (AttributeError, KeyError, LookupError, RuntimeError, TypeError):
        return None


class RouteExplorer(ExplorerSession):
    """Interactive dashboard: route, dose, weight and schedule controls, the curve, readouts, sources.

    Build it with :func:`explore`. Attributes: ``controls`` (widgets by name), ``state`` (every control
    value and pin, JSON-serialisable), ``simulation`` (the live :class:`helpers.Simulation`), ``scene``
    (everything shown), ``figure`` and ``png`` (the last frame), ``widget`` (what is displayed).
    """

    def __init__(self, state=None, *, case: str = "", origin: str = "", notice: str = ""):
        self._syncing, self._pending = False, None   # _pending: widgets and text still to update
        self.origin = origin                          # identifies this explore() call in share links
        self._caption = caption_html()
        super().__init__(state, case)
        self.canvas = PlotCanvas(self._state.projector)
        self.controls = make_controls(self._state, [(c.title, key) for key, c in CASES.items()])
        self.outputs = {name: widgets.HTML(layout=widgets.Layout(width="100%")) for name in _OUTPUTS}
        self.outputs["table"] = self.outputs["plot"]     # frame, caption and table travel in one message
        self.readouts, self.plot, self.source_panel = (self.outputs[n] for n in ("readouts", "plot", "source_panel"))
        self.widget = make_layout(self.controls, self.outputs)
        for name in CONTROLS:
            self.controls[name].observe(lambda change, name=name: self._on_control(name, change["new"]), "value")
        self.controls["case"].observe(lambda change: change["new"] and self._act(self.load_case, change["new"]),
                                      "value")
        self.controls["code"].observe(lambda change: self._on_code(change["new"]), "value")
        actions = {"pin": self.pin, "clear_pins": self.clear_pins, "share": self.show_share,
                   "export": self.show_export, "load_code": lambda: self._on_code(self.controls["code"].value)}
        for name in BUTTONS:
            self.controls[name].on_click(lambda _, action=actions[name]: action())
        self.apply(self._state, case)
        if notice:
            self._message(notice, error=True)

    # ------------------------------------------------------------------ state
    def apply(self, state, case: str | None = None):
        """Draw the new state first (the learner waits for the plot), then widgets and text.

        For a change made on the page, widgets and text follow a moment later on the kernel's event
        loop, so the frame reaches the browser alone, and a burst of key presses updates them once.
        Changes made from code are complete before the assignment returns.
        """
        scene = super().apply(state, case)
        self._draw()
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        loop = _page_event_loop()
        if loop is not None:
            self._pending = loop.call_later(FOLLOW_UP_S, self._follow_up)
        else:
            self._follow_up()
        return scene

    # ------------------------------------------------------------------ events
    def _act(self, action, *args, message: str = "") -> None:
        """Run a session action from a widget: a refusal becomes a message and the widgets snap back."""
        try:
            action(*args)
        except ValueError as error:
            self._message(str(error), error=True)
            self._sync()
            return
        if message:
            self._message(message)

    def _on_control(self, name: str, value) -> None:
        if not self._syncing:
            self._act(self.change, CONTROLS[name].setting, value)

    def _on_code(self, text: str) -> None:
        if not self._syncing and text.strip():
            self._act(self.load, text, message="Loaded the shared settings.")

    def pin(self):
        self._act(super().pin)

    def _follow_up(self) -> None:
        self._pending = None
        self._message("")
        self._sync()
        self._panels()

    def _message(self, text: str, error: bool = False) -> None:
        klass = "krl-error" if error else "krl-hint"
        self.outputs["message"].value = f"<div class='{klass}'>{html.escape(text)}</div>" if text else ""

    def _sync(self) -> None:
        self._syncing = True
        try:
            sync_controls(self.controls, self.outputs, self.widget, self._state)
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ drawing
    def update(self) -> None:
        """Re-compute and redraw for the current state."""
        self.apply(self._state)

    def _draw(self) -> None:
        scene = self.scene
        drugs = {c.simulation.drug for c in scene.curves} or {"ketamine"}
        png = self.canvas.render(scene, f"Plasma {drugs.pop() if len(drugs) == 1 else 'level'} (ng/mL)")
        size = (int(self.canvas.figure.bbox.width), int(self.canvas.figure.bbox.height))
        self.outputs["plot"].value = (plot_html(base64.b64encode(png).decode("ascii"), scene, size)
                                      + self._caption + comparison_html(scene))

    def _panels(self) -> None:
        self.outputs["readouts"].value = readouts_html(self.scene)
        self.outputs["notes"].value = notes_html(self.scene, case_html(self.case))
        self.outputs["source_panel"].value = source_panel_html(self._state.route)
        for name in ("share", "export"):    # a code or file of the previous settings would mislead
            if self.outputs[name].value:
                self.outputs[name].value = ""

    figure = property(lambda self: self.canvas.figure)
    ax = property(lambda self: self.canvas.ax)
    line = property(lambda self: self.canvas.line)
    norketamine_line = property(lambda self: self.canvas.norketamine_line)
    effect_line = property(lambda self: self.canvas.effect_line)
    png = property(lambda self: self.canvas.png)
    bands = property(lambda self: list(self.canvas.bands) if self.scene.bands is not None else [])

    # ------------------------------------------------------------------ share and export
    def show_share(self) -> None:
        code = self.share_code()
        self.outputs["share"].value = share_html(code, share.share_link(code, self.origin))

    def show_export(self) -> None:
        self.outputs["export"].value = export.export_links_html(self.scene, self.share_code(), self.csv_text())

    def export_csv(self, path) -> Path:
        """Write the time and every visible curve as CSV (units in the header, settings in # lines)."""
        path = Path(path)
        path.write_text(self.csv_text(), encoding="utf-8")
        return path

    def export_png(self, path, dpi: int = 150) -> Path:
        """Write the figure for slides as PNG (title, legend, caption and disclaimer included)."""
        path = Path(path)
        path.write_bytes(export.figure_bytes(self.scene, "png", dpi=dpi))
        return path

    def export_svg(self, path) -> Path:
        """Write the figure as SVG (text stays text, for print and editing)."""
        path = Path(path)
        path.write_bytes(export.figure_bytes(self.scene, "svg"))
        return path

    # ------------------------------------------------------------------ display
    def close(self) -> None:
        """Close every widget (the explorer stops working and is freed); done when its cell runs again."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        close_tree(self.widget)

    def __repr__(self) -> str:
        return f"RouteExplorer({self.describe()})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        size = (int(self.canvas.figure.bbox.width), int(self.canvas.figure.bbox.height))
        bundle["text/html"] = snapshot_html(self.scene, base64.b64encode(self.png).decode("ascii"), size, self.case)
        return bundle


def explore(route: str | None = None, dose_mg_per_kg: float | None = None, weight_kg: float | None = None, *,
            state=None, case: str | None = None, **settings) -> RouteExplorer:
    """Build the route explorer dashboard (teaching simulation, not dosing guidance).

    Starting values: ``route``, ``dose_mg_per_kg`` or ``dose_mg``, ``weight_kg``, ``infusion_min``,
    ``n_doses``, ``interval_h``, ``swallowed_fraction``, ``window_h``, ``sampling_site``
    (``"venous"`` or ``"arterial"``), ``effect_site``, ``variability``, ``norketamine``,
    ``log_scale``, ``projector``; or a whole ``state`` (``app.state`` or a share code); or a
    clinical ``case`` (a key of :data:`helpers.CASES`), with starting values on top if given.
    Bad values raise ``ValueError`` (or ``TypeError`` for an unknown keyword) naming the
    parameter, the value and the valid range.

    In Voila, a page opened from a share link (``?state=<code>``) starts from that code instead.

    Examples
    --------
    >>> app = explore(route="oral", dose_mg_per_kg=0.5, weight_kg=70)
    >>> app.controls["route"].value, app.dose_mg
    ('oral', 35.0)
    >>> app.controls["weight"].value = 50        # the curve follows at once
    >>> round(float(app.line.get_ydata().max()), 6) == round(app.simulation.cmax_ng_ml, 6)
    True
    """
    given = {k: v for k, v in (("route", route), ("dose_mg_per_kg", dose_mg_per_kg), ("weight_kg", weight_kg))
             if v is not None}
    given.update(settings)
    start = starting_state(state, case, **given)
    origin = f"{zlib.crc32(repr((sorted(given.items()), state, case)).encode()) & 0xFFFFFF:06x}"
    code, wanted = share.code_from_query()
    notice = ""
    if code and wanted in ("", origin):   # a share link for this explorer (or for any, if it names none)
        try:
            start, case = share.decode(code), None
        except ValueError as error:
            notice = f"The link's settings could not be loaded, so the explorer starts as the notebook set it: {error}"
    app = RouteExplorer(start, case=case or "", origin=origin, notice=notice)
    adopt(app)        # closed when its cell runs again (its output is replaced then)
    return app
