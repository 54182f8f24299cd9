"""One plot, two renderers: the live frame and the exported figure follow the same rules (helpers/explorer/plot_spec).

The live side is read from what the frame actually paints: every text image pasted into the canvas (its
string, size, colour and pixel position), the effect shades and grid handed to the row painter, the edges
blended in, and the matplotlib artists drawn on top (curves, percentile bands, observation periods). The
export side is read from the exported figure's matplotlib Axes (get_xticks, tick label texts, axis labels,
lines, patches, collections, texts). For each explorer state the two must agree.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba

from helpers import EFFECT_RANGES, explore
from helpers.explorer import drawing, export, plot_spec
from helpers.explorer.session import ExplorerSession
from helpers.explorer.validation import state_from_settings

# each state: the settings of its pinned curves (in order), then the live curve's; projector and log axes too
STATES = {
    "linear, two pins": [dict(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70), dict(route="oral", dose_mg=50),
                         dict(route="intranasal", dose_mg_per_kg=0.75)],
    "log, overlays and bands, a pin": [dict(route="oral", dose_mg=50, window_h=24),
                                       dict(route="iv_infusion", log_scale=True, norketamine=True, effect_site=True,
                                            variability=True)],
    "sub-hour ticks": [dict(route="intranasal", window_h=1), dict(route="intramuscular", dose_mg_per_kg=0.5)],
    "log, thousands, projector": [dict(route="iv_bolus", dose_mg_per_kg=2.0, window_h=3, log_scale=True,
                                       projector=True)],
    "two drugs, observation period": [dict(route="intranasal", window_h=4),
                                      dict(route="esketamine_nasal_spray", dose_mg=56, variability=True)],
    "esketamine alone, log, 72 h": [dict(route="esketamine_nasal_spray", dose_mg=84, window_h=72, log_scale=True,
                                         projector=True)],
}


@dataclass(frozen=True)
class Pasted:
    """A text image pasted into the live frame: what it says and how, and where."""

    text: str
    size_pt: float
    colour: str
    bold: bool
    rotation: int
    x: float
    y: float
    ha: str
    va: str


class LiveRecorder:
    """Wraps the live frame's painting helpers (in helpers.explorer.drawing) to record what a frame paints."""

    def __init__(self, monkeypatch):
        self.pasted: list[Pasted] = []
        self.areas: list[dict] = []            # paint_plot_area calls: the effect shades and the grid
        self.blends: list[tuple[str, float]] = []   # translucent rows blended in (effect edges)
        made = {}
        text_image, paste_text = drawing.text_image, drawing.paste_text
        paint_plot_area, fill_rows = drawing.paint_plot_area, drawing.fill_rows

        def recording_text_image(text, size_pt, dpi, colour="#222222", bold=False, rotation=0):
            image = text_image(text, size_pt, dpi, colour, bold, rotation)
            made[id(image)] = (text, size_pt, colour, bold, rotation)
            return image

        def recording_paste_text(canvas, image, x, y, ha="left", va="center"):
            self.pasted.append(Pasted(*made[id(image)], float(x), float(y), ha, va))
            return paste_text(canvas, image, x, y, ha=ha, va=va)

        def recording_paint_plot_area(canvas, box, bands, grid_cols, grid_rows, grid_colour="#dddddd"):
            self.areas.append(dict(bands=list(bands), grid_colour=grid_colour))
            return paint_plot_area(canvas, box, bands, grid_cols, grid_rows, grid_colour=grid_colour)

        def recording_fill_rows(canvas, x0, x1, y0, y1, colour, alpha):
            if alpha < 1.0:
                self.blends.append((colour, alpha))
            return fill_rows(canvas, x0, x1, y0, y1, colour, alpha)

        monkeypatch.setattr(drawing, "text_image", recording_text_image)
        monkeypatch.setattr(drawing, "paste_text", recording_paste_text)
        monkeypatch.setattr(drawing, "paint_plot_area", recording_paint_plot_area)
        monkeypatch.setattr(drawing, "fill_rows", recording_fill_rows)

    def texts(self, kind: str, projector: bool) -> list[Pasted]:
        size = drawing.FONT_PT[kind] * drawing.FONT_SCALE[projector]
        return [p for p in self.pasted if p.size_pt == pytest.approx(size)]


def _session(steps: list[dict]) -> ExplorerSession:
    session = ExplorerSession(state_from_settings(**steps[0]))
    for settings in steps[1:]:
        session.pin()
        session.set(**settings)
    return session


@pytest.fixture(params=list(STATES), scope="module")
def state(request):
    return _session(STATES[request.param]).state


@pytest.fixture
def frames(state, monkeypatch):
    """(live explorer, what its frame painted, the exported figure's Axes) for one state."""
    recorder = LiveRecorder(monkeypatch)
    app = explore(state=state)          # a new explorer: its first frame, no y limit kept from an earlier one
    assert len(recorder.areas) == 1, "the frame should be one freshly painted background"
    figure = export.export_figure(app.scene, dpi=100)
    yield app, recorder, figure.axes[0]
    app.close()


def _rows(app, values) -> np.ndarray:
    """Pixel rows (from the top) of concentrations on the live frame."""
    values = np.asarray(values, dtype=float)
    points = app.ax.transData.transform(np.column_stack([np.zeros_like(values), values]))
    return app.figure.bbox.height - points[:, 1]


def _cols(app, hours) -> np.ndarray:
    hours = np.asarray(hours, dtype=float)
    return app.ax.transData.transform(np.column_stack([hours, np.ones_like(hours)]))[:, 0]


def test_tick_positions_and_label_texts_are_the_same(frames):
    app, live, ax = frames
    projector = app.explorer_state.projector
    ticks = live.texts("tick", projector)
    # y tick labels: right-aligned left of the axes, one per tick, bottom (smallest value) first
    y_painted = sorted((p for p in ticks if p.ha == "right"), key=lambda p: -p.y)
    y_ticks, y_texts = ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]
    assert [p.text for p in y_painted] == y_texts
    assert np.all(np.diff(y_ticks) > 0) and ax.get_ylim() == (app.ax.get_ylim())
    assert np.abs(np.array([p.y for p in y_painted]) - _rows(app, y_ticks)).max() <= 0.5 + 1e-9
    # x tick labels: hung below the axes, one per tick, left first
    x_painted = sorted((p for p in ticks if p.va == "top"), key=lambda p: p.x)
    x_ticks, x_texts = ax.get_xticks(), [t.get_text() for t in ax.get_xticklabels()]
    assert [p.text for p in x_painted] == x_texts
    assert np.all(np.diff(x_ticks) > 0) and ax.get_xlim() == app.ax.get_xlim()
    assert np.abs(np.array([p.x for p in x_painted]) - _cols(app, x_ticks)).max() <= 0.5 + 1e-9
    assert len(ticks) == len(y_painted) + len(x_painted)
    # and both are the shared rules' own
    spec = app.canvas.axes_spec
    assert (spec.x_tick_labels, spec.y_tick_labels) == (tuple(x_texts), tuple(y_texts))
    assert np.array_equal(spec.x_ticks, x_ticks) and np.array_equal(spec.y_ticks, y_ticks)


def test_axis_labels_are_the_same(frames):
    app, live, ax = frames
    labels = {p.rotation: p.text for p in live.texts("axis", app.explorer_state.projector)}
    assert labels == {0: ax.get_xlabel(), 90: ax.get_ylabel()}
    drugs = {c.simulation.drug for c in app.scene.curves}
    assert ax.get_ylabel() == (f"Plasma {drugs.pop()} (ng/mL)" if len(drugs) == 1 else "Plasma level (ng/mL)")


def test_effect_ranges_have_the_same_colours_labels_and_label_order(frames):
    app, live, ax = frames
    bottom, top = ax.get_ylim()
    # shades: (colour, alpha) of every range with a visible part, in the registry's order
    visible = [e for e in EFFECT_RANGES.values() if max(e.low_ng_ml, bottom) < min(e.high_ng_ml, top)]
    exported = {(p.get_y(), p.get_y() + p.get_height()): to_rgba(p.get_facecolor()) for p in ax.patches
                if p.get_data_transform() == ax.get_yaxis_transform()}          # axhspan: the effect shades
    shades = [exported[(e.low_ng_ml, e.high_ng_ml)] for e in visible]
    (area,) = live.areas
    assert [to_rgba(colour, alpha) for _, _, colour, alpha in area["bands"]] == shades
    assert len(shades) == len(visible)
    # edges: the bounds of the visible ranges that lie on the axis, in the range's colour, equally transparent
    bounds = {(to_hex(e.colour), level) for e in visible for level in (e.low_ng_ml, e.high_ng_ml)
              if bottom <= level <= top}
    edges = [(to_hex(line.get_color()), line.get_alpha()) for line in ax.get_lines()
             if line.get_label().startswith("_") and (to_hex(line.get_color()), line.get_ydata()[0]) in bounds]
    assert len(edges) == len(bounds)
    assert sorted((to_hex(c), a) for c, a in live.blends) == sorted(edges)
    # labels beside the axes: the same names, colours and order from top to bottom
    short = {e.short_label for e in EFFECT_RANGES.values()}
    texts = [t for t in ax.texts if t.get_text() in short]
    texts.sort(key=lambda t: -t.get_transform().transform(t.get_position())[1])
    painted = sorted((p for p in live.texts("band", app.explorer_state.projector) if p.bold), key=lambda p: p.y)
    assert [(p.text, to_hex(p.colour)) for p in painted] == [(t.get_text(), to_hex(t.get_color())) for t in texts]
    assert len(painted) == len(visible)
    # the grid
    assert to_hex(area["grid_colour"]) == to_hex(ax.xaxis.get_gridlines()[0].get_color()) == to_hex(
        ax.yaxis.get_gridlines()[0].get_color())


def _stroke(line) -> tuple:
    return to_hex(line.get_color()), line.get_linestyle(), line.get_linewidth(), line.get_zorder()


def test_curves_pins_bands_and_shaded_periods_have_the_same_colours(frames):
    app, live, ax = frames
    canvas, scene = app.canvas, app.scene
    drawn = {"Pinned: " + line.get_label(): _stroke(line) for line in canvas.pin_lines}
    drawn[scene.live.label] = _stroke(canvas.line)
    for name, line in (("Effect site", canvas.effect_line), ("Norketamine", canvas.norketamine_line)):
        if len(line.get_xdata()):
            drawn[name] = _stroke(line)
    exported = {line.get_label(): _stroke(line) for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert drawn == exported
    assert len(canvas.pin_lines) == len(scene.pins)
    # variability bands: the live curve's colour, the same two shades
    bands = [to_rgba(c.get_facecolor()[0]) for c in ax.collections]
    assert [to_rgba(b.get_facecolor()[0]) for b in app.bands] == bands
    assert len(bands) == (2 if scene.bands is not None else 0)
    # observation periods
    spans = [p for p in ax.patches if p.get_data_transform() == ax.get_xaxis_transform()]   # axvspan
    shown = canvas.observation[:len(scene.observation_h)]
    assert [to_rgba(p.get_facecolor()) for p in shown] == [to_rgba(p.get_facecolor()) for p in spans]
    assert [(p.get_x(), p.get_width()) for p in shown] == [(p.get_x(), p.get_width()) for p in spans]
    assert len(spans) == len(scene.observation_h)


def test_the_states_cover_what_the_rules_must_handle():
    """The states above reach every case: both scales, sub-hour and thousands labels, two drugs, periods."""
    specs = []
    for steps in STATES.values():
        session = _session(steps)
        scene = session.scene
        specs.append((plot_spec.axis_spec(scene.state.window_h, scene.state.log_scale,
                                          plot_spec.y_top_for(scene.peak_ng_ml, None), plot_spec.y_label(scene)),
                      scene))
    labels = [text for spec, _ in specs for text in spec.x_tick_labels + spec.y_tick_labels]
    assert {spec.log for spec, _ in specs} == {True, False}
    assert "0.25" in labels and "0.5" in labels and any("," in text for text in labels)
    assert any(0 < v < 1 for spec, _ in specs for v in spec.x_ticks)
    assert {spec.y_label for spec, _ in specs} >= {"Plasma level (ng/mL)", "Plasma esketamine (ng/mL)",
                                                 "Plasma ketamine (ng/mL)"}
    assert any(scene.observation_h for _, scene in specs) and any(scene.bands is not None for _, scene in specs)
    assert any(scene.state.projector for _, scene in specs) and sum(len(scene.pins) for _, scene in specs) >= 3


@pytest.mark.parametrize("value, text", [(0, "0"), (0.5, "0.5"), (2, "2"), (1000, "1,000"), (20000, "20,000")])
def test_tick_label_texts(value, text):
    assert plot_spec.y_tick_text(value) == text
    assert plot_spec.x_tick_text(0.25) == "0.25" and plot_spec.x_tick_text(12.0) == "12"
