"""The course's figures need no font beyond DejaVu Sans: the browser edition ships matplotlib without STIX and
DejaVu Sans Mono (tools/site_build/pyodide.py), and mathtext (log-axis labels such as 10 to the 2) would load
them and print a warning under the figure. Each figure is drawn with mathtext made to fail."""
from __future__ import annotations

import io

import matplotlib.mathtext
import pytest

import helpers


@pytest.fixture
def no_mathtext(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("mathtext used: the browser edition has no STIX fonts")
    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", refuse)


@pytest.mark.parametrize("draw", [lambda: helpers.plot_comparisons(helpers.compare_all()),
                                  lambda: helpers.plot_study_curves(helpers.OBSERVATIONS),
                                  lambda: _simulation_on_a_log_axis(),
                                  lambda: _explorer_export(log_scale=True), lambda: _explorer_export(log_scale=False)],
                         ids=["comparisons", "study curves", "simulation", "export log", "export linear"])
def test_figures_draw_without_mathtext(no_mathtext, draw):
    figure = draw()
    if figure is not None:
        figure.savefig(io.BytesIO(), format="png", dpi=60)


def _simulation_on_a_log_axis():
    figure = helpers.new_figure()
    ax = figure.add_subplot()
    helpers.plot_simulation(ax, helpers.simulate("oral", 35, 70))
    helpers.shade_effect_ranges(ax)
    helpers.log_axis(ax)             # notebook 02's population figure
    ax.set_ylim(1, 1000)
    figure.canvas.draw()
    labels = [t.get_text() for t, value in zip(ax.get_yticklabels(), ax.get_yticks()) if 1 <= value <= 1000]
    assert labels == ["1", "10", "100", "1000"], labels
    return figure


def _explorer_export(log_scale: bool):
    from helpers.explorer import export
    from helpers.explorer.session import ExplorerSession
    from helpers.explorer.validation import state_from_settings
    session = ExplorerSession(state_from_settings(route="intranasal", log_scale=log_scale))
    assert export.figure_bytes(session.scene, "png", dpi=60)[:4] == b"\x89PNG"
    assert b"<svg" in export.figure_bytes(session.scene, "svg")
