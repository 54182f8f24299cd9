"""The live plot: a matplotlib figure whose static part is cached and whose curves are blitted on top.

A frame is the *background* (axes, ticks, effect bands, pinned curves, legend)
restored from a cache, plus the *live layer* (the current curve, its overlays,
the variability bands, shaded observation periods) drawn over it, then sent
as a PNG. Backgrounds are kept per axis key (window, scale, y limit, pins,
projector mode) in a small least-recently-used cache, so going back to an
axis seen before costs nothing; a new one is drawn without any matplotlib
text (labels are pasted as cached text images, see :mod:`.raster`), which
keeps even a rescale fast. What is drawn (ticks and their labels, axis labels,
colours, strokes, the effect-range labels) follows :mod:`.plot_spec`, the
rules the exported figure follows too.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator
from matplotlib.transforms import IdentityTransform

from ..evidence.effects import EFFECT_RANGES
from ..presentation.plotting import new_figure
from . import plot_spec as spec
from .curves import Scene
from .raster import (
    encode_png,
    fill_rows,
    horizontal_line,
    paint_plot_area,
    paste_text,
    points_to_px,
    text_image,
    vertical_line,
)

__all__ = ["PlotCanvas", "FIGURE_IN", "DPI", "FONT_SCALE"]

FIGURE_IN = (6.6, 3.9)                   # inches; pixels = inches x dpi
DPI = {False: 100, True: 150}            # projector mode: 1.5 times the pixels...
FONT_SCALE = {False: 1.0, True: 1.2}     # ...and text 1.2 times larger again, legible on a narrower column
FONT_PT = {"tick": 10.5, "axis": 11.0, "band": 9.5, "legend": 8.5}
BACKGROUNDS_KEPT = 24


class PlotCanvas:
    """The figure the explorer draws on, with its cached backgrounds and live artists.

    After :meth:`render`, :attr:`axes_spec` is the :class:`~helpers.explorer.plot_spec.AxisSpec` the
    frame's axes were painted from.
    """

    def __init__(self, projector: bool = False):
        self.projector = projector
        self.figure = new_figure(*FIGURE_IN, dpi=DPI[projector])
        self.ax = self.figure.add_axes((0.1, 0.1, 0.8, 0.8))
        self._fit_axes()
        self.ax.set_autoscale_on(False)
        self.ax.set_axis_off()       # axes, ticks and bands are painted into the background (see _compose)
        anim = {"animated": True}
        self.bands = [PolyCollection([], lw=0, zorder=3, alpha=alpha, **anim) for alpha in spec.PERCENTILE_ALPHAS]
        for band in self.bands:
            self.ax.add_collection(band, autolim=False)
        self.effect_line, self.norketamine_line, self.line = (
            self.ax.plot([], [], lw=stroke.width, ls=stroke.style, zorder=stroke.zorder, **anim)[0]
            for stroke in (spec.EFFECT_SITE_LINE, spec.NORKETAMINE_LINE, spec.LIVE_LINE))
        (self.peak_marker,) = self.ax.plot([], [], "o", ms=6, zorder=spec.LIVE_LINE.zorder + 1, **anim)
        self.observation: list[Rectangle] = []
        self.pin_lines: list[Line2D] = []
        self._backgrounds: OrderedDict = OrderedDict()
        self.y_top: float | None = None
        self._limits = None
        self.background_key = None
        self.axes_spec: spec.AxisSpec | None = None
        self.png = b""

    def _font(self, kind: str) -> float:
        return FONT_PT[kind] * FONT_SCALE[self.projector]

    def _fit_axes(self) -> None:
        """Place the axes so that tick labels, axis labels and band labels fit the figure, whatever the mode."""
        dpi = DPI[self.projector]
        width, height = FIGURE_IN[0] * dpi, FIGURE_IN[1] * dpi
        gap = points_to_px(7.0, dpi)
        tick = text_image(spec.y_tick_text(30_000), self._font("tick"), dpi)
        y_label = text_image(spec.Y_LABEL, self._font("axis"), dpi, rotation=90)
        x_label = text_image(spec.X_LABEL, self._font("axis"), dpi)
        band = max(text_image(e.short_label, self._font("band"), dpi, bold=True).shape[1]
                   for e in EFFECT_RANGES.values())
        left = 4 + y_label.shape[1] + 3 + tick.shape[1] + gap
        right = 3 + self._bracket_step() * (len(EFFECT_RANGES) + 1) + band + 4
        bottom = gap + tick.shape[0] + x_label.shape[0] + 2
        top = tick.shape[0] / 2 + points_to_px(3.0, dpi)
        self.ax.set_position((left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height))

    def _bracket_step(self) -> int:
        return max(2, int(round(DPI[self.projector] / 40)))

    # ---------------------------------------------------------------- frames
    def render(self, scene: Scene, y_label: str | None = None) -> bytes:
        """Draw a scene and return the frame as PNG bytes (also kept in :attr:`png`).

        ``y_label`` defaults to :func:`~helpers.explorer.plot_spec.y_label` of the scene.
        """
        state = scene.state
        if state.projector != self.projector:
            self.projector = state.projector
            self.figure.set_dpi(DPI[self.projector])
            self._fit_axes()
            self._backgrounds.clear()
        if y_label is None:
            y_label = spec.y_label(scene)
        self.y_top = spec.y_top_for(scene.peak_ng_ml, self.y_top)
        pins = tuple((tuple(sorted(c.kwargs.items())), str(c.style)) for c in scene.pins)
        key = (self.projector, state.window_h, state.log_scale, self.y_top, y_label, pins)
        if key in self._backgrounds:
            self._backgrounds.move_to_end(key)
        else:
            axes = spec.axis_spec(state.window_h, state.log_scale, self.y_top, y_label)
            self._backgrounds[key] = (self._compose(scene, axes), axes)
            if len(self._backgrounds) > BACKGROUNDS_KEPT:
                self._backgrounds.popitem(last=False)
        self.background_key = key
        background, self.axes_spec = self._backgrounds[key]
        self._set_limits(state.window_h, state.log_scale)   # the live layer is drawn in these limits
        canvas = self.figure.canvas
        canvas.restore_region(background)
        for artist in self._live_artists(scene):
            self.ax.draw_artist(artist)
        self.png = encode_png(np.asarray(canvas.buffer_rgba()))
        return self.png

    def _live_artists(self, scene: Scene) -> list:
        state, live = scene.state, scene.live
        drawn = []
        for i, (start, end) in enumerate(scene.observation_h):
            if i == len(self.observation):
                self.observation.append(self.ax.axvspan(0, 1, color=spec.OBSERVATION_COLOUR,
                                                        alpha=spec.OBSERVATION_ALPHA, lw=0, zorder=2,
                                                        animated=True))
            self.observation[i].set_x(start)
            self.observation[i].set_width(end - start)
            drawn.append(self.observation[i])
        if live is None:
            for artist in (self.line, self.peak_marker, self.norketamine_line, self.effect_line):
                artist.set_data([], [])
            return drawn
        if scene.bands is not None:
            p5, p25, p75, p95 = np.maximum(scene.bands.percentiles_ng_ml, spec.band_floor(state.log_scale))
            t = scene.bands.t_h
            for band, (low, high) in zip(self.bands, ((p5, p95), (p25, p75))):
                band.set_verts([np.concatenate([np.column_stack([t, low]), np.column_stack([t[::-1], high[::-1]])])])
                band.set_facecolor(live.colour)
                drawn.append(band)
        else:
            for band in self.bands:
                band.set_verts([])
        t_h = live.t_h
        for artist, values in ((self.effect_line, live.effect_site_ng_ml),
                               (self.norketamine_line, live.norketamine_ng_ml)):
            artist.set_data(([], []) if values is None else (t_h, values))
            artist.set_color(live.colour)
            if values is not None:
                drawn.append(artist)
        sim = live.simulation
        self.line.set_data(t_h, sim.conc_ng_ml)
        self.peak_marker.set_data([sim.tmax_min / 60.0], [sim.cmax_ng_ml])
        for artist in (self.line, self.peak_marker):
            artist.set_color(live.colour)
            drawn.append(artist)
        return drawn

    # ---------------------------------------------------------------- backgrounds
    def _set_limits(self, window_h: float, log: bool) -> tuple[float, float]:
        """Set the axes' scale and limits (only if they change: matplotlib's setters are not free)."""
        bottom, top = spec.y_limits(self.y_top, log)
        limits = (window_h, log, bottom, top, self.figure.dpi)
        if limits != self._limits:
            ax = self.ax
            if ax.get_yscale() != ("log" if log else "linear"):
                ax.set_yscale("log" if log else "linear")
                ax.yaxis.set_minor_locator(NullLocator())
            ax.set_xlim(0.0, window_h)
            ax.set_ylim(bottom, top)
            self._limits = limits
        return bottom, top

    def _px(self, x, y) -> np.ndarray:
        """Canvas pixel (column, row from the top) of data points."""
        points = self.ax.transData.transform(np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]))
        points[:, 1] = self.figure.bbox.height - points[:, 1]
        return points

    def _compose(self, scene: Scene, axes: spec.AxisSpec):
        """Paint a background: decor with numpy (no matplotlib redraw), then pinned curves and legend."""
        ax, dpi, canvas = self.ax, self.figure.dpi, self.figure.canvas
        bottom, top = self._set_limits(axes.window_h, axes.log)
        xt, yt = np.array(axes.x_ticks), np.array(axes.y_ticks)
        renderer = canvas.get_renderer()
        pixels = np.asarray(canvas.buffer_rgba())
        pixels[...] = 255
        x0, y1 = self._px(0.0, bottom)[0]
        x1, y0 = self._px(axes.window_h, top)[0]
        left, right, upper, lower = (int(round(v)) for v in (x0, x1, y0, y1))
        cols = [int(round(c)) for c in self._px(xt, np.full_like(xt, bottom))[:, 0]]
        rows = [int(round(r)) for r in self._px(np.zeros_like(yt), yt)[:, 1]]
        spans, bands, edges = [], [], []               # effect ranges: rows, shades over the grid, and edges
        for effect, low, high in spec.visible_effect_ranges(bottom, top):
            (_, row_low), (_, row_high) = self._px([0, 0], [low, high])
            spans.append((effect, row_high, row_low))
            bands.append((int(round(row_high)), int(round(row_low)), effect.colour, spec.EFFECT_ALPHA))
            edges += [(int(round(row)), effect.colour) for value, row in
                      ((effect.low_ng_ml, row_low), (effect.high_ng_ml, row_high)) if bottom <= value <= top]
        paint_plot_area(pixels, (left, right, upper, lower), bands, cols, rows, grid_colour=spec.GRID_COLOUR)
        for row, colour in edges:
            fill_rows(pixels, left, right, row, row + 1, colour, spec.EFFECT_EDGE_ALPHA)
        spine = max(1, int(round(points_to_px(0.8, dpi))))
        tick = int(round(points_to_px(3.5, dpi)))
        for x in (left, right):
            vertical_line(pixels, x - spine // 2, upper, lower + 1, "#000000", width=spine)
        for y in (upper, lower):
            horizontal_line(pixels, left, right + 1, y - spine // 2, "#000000", width=spine)
        for col in cols:
            vertical_line(pixels, col - spine // 2, lower, lower + tick, "#000000", width=spine)
        for row in rows:
            horizontal_line(pixels, left - tick, left, row - spine // 2, "#000000", width=spine)
        for line in self.pin_lines:                               # pinned curves: matplotlib, on top
            line.remove()
        pin = spec.PIN_LINE
        self.pin_lines = [ax.plot(c.t_h, c.simulation.conc_ng_ml, color=c.colour, ls=c.style, lw=pin.width,
                                  zorder=pin.zorder, label=c.label, animated=True)[0] for c in scene.pins]
        for line in self.pin_lines:
            ax.draw_artist(line)
        for artist, image, x, y in self._legend_artists(scene):
            if artist is not None:
                artist.draw(renderer)
            else:
                paste_text(pixels, image, x, y, va="center")
        gap = points_to_px(3.5 + 3.5, dpi)           # tick length and pad, as matplotlib draws them
        widest = 0
        for text, row in zip(axes.y_tick_labels, rows):
            image = text_image(text, self._font("tick"), dpi)
            widest = max(widest, image.shape[1])
            paste_text(pixels, image, x0 - gap, row, ha="right")
        for text, col in zip(axes.x_tick_labels, cols):
            paste_text(pixels, text_image(text, self._font("tick"), dpi), col, y1 + gap, va="top")
        paste_text(pixels, text_image(axes.y_label, self._font("axis"), dpi, rotation=90), x0 - gap - widest - 3,
                   (y0 + y1) / 2, ha="right")
        x_image = text_image(axes.x_label, self._font("axis"), dpi)
        paste_text(pixels, x_image, (x0 + x1) / 2, y1 + gap + text_image("0", self._font("tick"), dpi).shape[0],
                   ha="center", va="top")
        self._band_labels(pixels, spans, x1, y0, y1)
        return canvas.copy_from_bbox(self.figure.bbox)

    def _band_labels(self, pixels, spans, x1, y0, y1):
        """Each effect range: a coloured bracket beside the axes over its visible part, and its name.

        ``spans`` are (range, top row, bottom row) of the visible ranges.
        """
        dpi = self.figure.dpi
        images = [text_image(e.short_label, self._font("band"), dpi, colour=e.colour, bold=True) for e, _, _ in spans]
        height = max((image.shape[0] for image in images), default=0) + 1
        layout = spec.band_label_layout([(a + b) / 2 for _, a, b in spans], height, y0 + height / 2, y1 - height / 2)
        step = self._bracket_step()
        text_x = x1 + 3 + step * (len(EFFECT_RANGES) + 1)
        for i, (index, row) in enumerate(layout):
            (effect, row_high, row_low), image = spans[index], images[index]
            bracket_x = int(x1 + 3 + step * i)
            vertical_line(pixels, bracket_x, int(row_high), int(np.ceil(row_low)), effect.colour, width=step - 1)
            nearest = int(min(max(row, row_high), row_low))
            horizontal_line(pixels, bracket_x, int(text_x) - 1, nearest, effect.colour)
            if abs(nearest - row) > 1:
                vertical_line(pixels, int(text_x) - 2, nearest, int(row), effect.colour, width=1)
            paste_text(pixels, image, text_x, row)

    def _legend_artists(self, scene: Scene) -> list:
        """Legend of the pinned curves: (artist, None, 0, 0) to draw, or (None, text image, x, y) to paste."""
        if not scene.pins:
            return []
        dpi, height = self.figure.dpi, self.figure.bbox.height
        images = [text_image(c.label, self._font("legend"), dpi) for c in scene.pins]
        title = text_image("Pinned", self._font("legend"), dpi, bold=True)
        row = max(image.shape[0] for image in images) + 1
        pad, sample = points_to_px(4, dpi), points_to_px(18, dpi)
        width = pad * 3 + sample + max(image.shape[1] for image in images + [title])
        box_height = pad * 2 + row * (len(images) + 1)
        right, top_y = self.ax.bbox.x1 - pad, self.ax.bbox.y1 - pad        # display coordinates: y up
        items = [(Rectangle((right - width, top_y - box_height), width, box_height, transform=IdentityTransform(),
                            facecolor="white", edgecolor="#bbbbbb", alpha=0.92, lw=0.8), None, 0, 0)]
        rows_from_top = height - top_y
        items.append((None, title, right - width + pad, rows_from_top + pad + row / 2))
        for i, (curve, image) in enumerate(zip(scene.pins, images)):
            y_row = rows_from_top + pad + row * (i + 1.5)
            line = Line2D([right - width + pad, right - width + pad + sample], [height - y_row] * 2,
                          transform=IdentityTransform(), color=curve.colour, ls=curve.style, lw=spec.PIN_LINE.width)
            line.set_figure(self.figure)
            items += [(line, None, 0, 0), (None, image, right - width + 2 * pad + sample, y_row)]
        items[0][0].set_figure(self.figure)
        return items
