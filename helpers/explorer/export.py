"""Exports for slides and handouts: the figure as PNG or SVG, the curves as CSV, and download links.

The exported figure is an ordinary matplotlib figure (real text, so SVG stays
editable) drawn from the same :class:`~helpers.explorer.curves.Scene` as the
live plot, by the same rules (:mod:`.plot_spec`: ticks and their labels, axis
labels, colours, strokes, effect-range labels), with a title, a legend of
every curve and the disclaimer. The CSV holds the time and every visible
curve at full precision, units in the header, and the settings, the share
code and the disclaimer in ``#`` comment lines.
Download links are HTML anchors with a ``data:`` URI and a ``download``
attribute: a click saves the file in JupyterLab and in Voila alike.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import textwrap
import zlib

import numpy as np
from matplotlib import rc_context
from matplotlib.transforms import blended_transform_factory

from ..evidence.bibliography import cite
from ..evidence.effects import EFFECT_RANGES
from ..presentation.plotting import DISCLAIMER, new_figure
from . import plot_spec as spec
from .curves import BAND_PATIENTS, BAND_PERCENTILES, Scene

__all__ = ["csv_text", "figure_bytes", "export_figure", "download_link", "MIME", "read_csv", "settings_lines",
           "export_links_html", "file_stem"]

MIME = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv"}


def _columns(scene: Scene) -> list[tuple[str, np.ndarray]]:
    """(header, values on the curve grid) of every visible curve; NaN where a band has no sample."""
    columns = []
    for curve in scene.curves:
        name = ("pinned: " if curve.pinned else "live: ") + curve.label
        columns.append((f"{name} | ketamine (ng/mL)", curve.simulation.conc_ng_ml))
        if curve.norketamine_ng_ml is not None:
            columns.append((f"{name} | norketamine (ng/mL)", curve.norketamine_ng_ml))
        if curve.effect_site_ng_ml is not None:
            columns.append((f"{name} | effect site (ng/mL)", curve.effect_site_ng_ml))
    if scene.bands is not None and scene.live is not None:
        t = scene.live.simulation.t_min / 60.0
        where = np.searchsorted(t, scene.bands.t_h - 1e-9)
        for p, values in zip(BAND_PERCENTILES, scene.bands.percentiles_ng_ml):
            column = np.full(t.shape, np.nan)
            column[where] = values
            columns.append((f"{p}th percentile of {BAND_PATIENTS} simulated patients (ng/mL)", column))
    return columns


def settings_lines(scene: Scene, share_code: str) -> tuple[str, ...]:
    """The CSV's comment lines saying what is in it: the curves, the window and the share code."""
    lines = [f"live curve: {scene.live.label}" if scene.live else "no live curve"]
    lines += [f"pinned curve: {c.label}" for c in scene.pins]
    lines += [f"time window: {scene.state.window_h} h; share code: {share_code}"]
    return tuple(lines)


def file_stem(scene: Scene, share_code: str) -> str:
    """A download's file name without extension: the route and a short hash of the settings."""
    return f"ketamine-{scene.state.route}-{zlib.crc32(share_code.encode()) & 0xFFFF:04x}"


def export_links_html(scene: Scene, share_code: str, csv: str) -> str:
    """The Export button's links: the figure as PNG and SVG and the curves as CSV (the curves shown now)."""
    stem = file_stem(scene, share_code)
    links = [download_link(figure_bytes(scene, "png"), f"{stem}.png", "Figure (PNG)"),
             download_link(figure_bytes(scene, "svg"), f"{stem}.svg", "Figure (SVG)"),
             download_link(csv.encode("utf-8"), f"{stem}.csv", "Curves (CSV)")]
    return (f"<div class='krl-export'>Download: {' '.join(links)}"
            f"<span class='krl-hint'>(the curves shown now)</span></div>")


def csv_text(scene: Scene, settings_lines: tuple[str, ...] = ()) -> str:
    """The CSV export: comment lines, a header with units, then one row per time point."""
    out = io.StringIO()
    out.write("# Ketamine Routes Lab: simulated plasma levels\n")
    out.write(f"# {DISCLAIMER}\n")
    for line in settings_lines:
        out.write(f"# {line}\n")
    if not scene.curves:
        out.write("# no curve for these settings\n")
        return out.getvalue()
    columns = _columns(scene)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["time (h)"] + [name for name, _ in columns])
    t_h = scene.curves[0].simulation.t_min / 60.0
    data = np.column_stack([t_h] + [values for _, values in columns])
    for row in data:
        writer.writerow(["" if np.isnan(v) else repr(float(v)) for v in row])
    return out.getvalue()


def read_csv(text: str) -> tuple[list[str], np.ndarray]:
    """(header, values) of an exported CSV, comment lines skipped (empty cells are NaN)."""
    rows = [row for row in csv.reader(line for line in text.splitlines() if not line.startswith("#"))]
    values = np.array([[float(v) if v else np.nan for v in row] for row in rows[1:]])
    return rows[0], values


def export_figure(scene: Scene, dpi: int = 150):
    """The figure for slides as a matplotlib :class:`~matplotlib.figure.Figure` (what :func:`figure_bytes` saves)."""
    state = scene.state
    figure = new_figure(8.0, 5.2, dpi=dpi)
    ax = figure.add_axes((0.09, 0.22, 0.72, 0.68))
    for effect in EFFECT_RANGES.values():
        ax.axhspan(effect.low_ng_ml, effect.high_ng_ml, color=effect.colour, alpha=spec.EFFECT_ALPHA, lw=0)
        for level in (effect.low_ng_ml, effect.high_ng_ml):
            ax.axhline(level, color=effect.colour, lw=spec.EFFECT_EDGE_WIDTH, alpha=spec.EFFECT_EDGE_ALPHA)
    ax.grid(True, color=spec.GRID_COLOUR, lw=0.6)
    ax.set_axisbelow(True)
    axes = spec.axis_spec(state.window_h, state.log_scale, spec.y_top_for(scene.peak_ng_ml, None),
                          spec.y_label(scene))
    ax.set_yscale("log" if axes.log else "linear")
    ax.set_xlim(0, axes.window_h)
    ax.set_ylim(axes.bottom, axes.top)
    ax.set_xticks(axes.x_ticks, axes.x_tick_labels)
    ax.set_yticks(axes.y_ticks, axes.y_tick_labels)
    ax.minorticks_off()
    for start, end in scene.observation_h:
        ax.axvspan(start, end, color=spec.OBSERVATION_COLOUR, alpha=spec.OBSERVATION_ALPHA, lw=0, zorder=2)
    live = scene.live
    if live is not None and scene.bands is not None:
        p5, p25, p75, p95 = np.maximum(scene.bands.percentiles_ng_ml, spec.band_floor(axes.log))
        for (low, high), alpha in zip(((p5, p95), (p25, p75)), spec.PERCENTILE_ALPHAS):
            ax.fill_between(scene.bands.t_h, low, high, color=live.colour, alpha=alpha, lw=0, zorder=3)
    for curve in scene.pins:
        ax.plot(curve.t_h, curve.simulation.conc_ng_ml, color=curve.colour, ls=curve.style, lw=spec.PIN_LINE.width,
                zorder=spec.PIN_LINE.zorder, label="Pinned: " + curve.label)
    if live is not None:
        for values, stroke, label in ((live.effect_site_ng_ml, spec.EFFECT_SITE_LINE, "Effect site"),
                                      (live.norketamine_ng_ml, spec.NORKETAMINE_LINE, "Norketamine"),
                                      (live.simulation.conc_ng_ml, spec.LIVE_LINE, live.label)):
            if values is not None:
                ax.plot(live.t_h, values, color=live.colour, ls=stroke.style, lw=stroke.width, zorder=stroke.zorder,
                        label=label)
        ax.set_title(f"Simulated plasma ketamine: {live.label}", fontsize=11, loc="left")
    ax.set_xlabel(axes.x_label, fontsize=10.5)
    ax.set_ylabel(axes.y_label, fontsize=10.5)
    _band_texts(figure, ax, axes.bottom, axes.top)
    if ax.get_lines():
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=7.5, ncol=2, frameon=False)
    sources = "; ".join(f"{e.label.split(' /')[0].lower()}: {', '.join(cite(s) for s in e.sources)}"
                        for e in EFFECT_RANGES.values())
    caption = textwrap.fill(f"{DISCLAIMER} Ketamine Routes Lab. Shaded: plasma ranges reported for {sources}.", 130)
    figure.text(0.01, 0.012, caption, fontsize=7.5, color="#333333", va="bottom")
    return figure


def figure_bytes(scene: Scene, fmt: str = "png", dpi: int = 150) -> bytes:
    """The figure for slides: PNG (``dpi``) or SVG, with title, legend, caption and disclaimer."""
    figure = export_figure(scene, dpi)
    out = io.BytesIO()
    with rc_context({"svg.fonttype": "none"}):     # SVG text stays text (editable, searchable)
        figure.savefig(out, format=fmt, dpi=dpi, metadata={"Title": "Ketamine Routes Lab: " + DISCLAIMER}
                       if fmt == "svg" else None)
    return out.getvalue()


def _band_texts(figure, ax, bottom: float, top: float) -> None:
    """Name each visible effect range beside the axes, laid out as in the live plot."""
    figure.canvas.draw()
    transform = blended_transform_factory(ax.transAxes, ax.transData)
    visible = spec.visible_effect_ranges(bottom, top)
    height = figure.bbox.height
    centre = [height - float(np.mean(ax.transData.transform([(0, low), (0, high)])[:, 1])) for _, low, high in visible]
    text_height = 8.5 * figure.dpi / 72 * 1.3
    y0 = height - ax.bbox.y1
    for i, row in spec.band_label_layout(centre, text_height, y0, height - ax.bbox.y0):
        effect = visible[i][0]
        value = ax.transData.inverted().transform((0, height - row))[1]
        ax.text(1.01, value, effect.short_label, transform=transform, va="center", ha="left", fontsize=8.5,
                color=effect.colour, fontweight="bold", clip_on=False)


def download_link(data: bytes, filename: str, label: str) -> str:
    """An HTML anchor that downloads ``data`` as ``filename`` (data: URI with the download attribute)."""
    kind = filename.rsplit(".", 1)[-1]
    encoded = base64.b64encode(data).decode("ascii")
    return (f"<a class='krl-download' download='{html.escape(filename, quote=True)}' "
            f"href='data:{MIME[kind]};base64,{encoded}'>{html.escape(label)}</a>")
