"""The live frame's PNG: written by the explorer's own fast encoder (helpers.explorer.raster.encode_png), it must
decode with Pillow to exactly the pixels the canvas meant to send, at the frame's size, as RGBA.

The pixels meant are the array :class:`helpers.explorer.drawing.PlotCanvas` hands to the encoder (its Agg
buffer after the background and the live layer are drawn); the test records that array as it is encoded.
"""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from helpers.explorer import drawing, raster
from helpers.explorer.session import ExplorerSession
from helpers.explorer.validation import state_from_settings


def _decoded(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as image:
        image.verify()                     # signature, chunk order and every chunk's CRC
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.fixture
def encoded(monkeypatch):
    """(array handed to the encoder, copied as it was, and the PNG it gave) for every frame drawn."""
    calls = []

    def recording_encode_png(rgba):
        intended = np.array(rgba, copy=True)
        png = raster.encode_png(rgba)
        calls.append((intended, png))
        return png

    monkeypatch.setattr(drawing, "encode_png", recording_encode_png)
    return calls


def _scenes():
    """Frames on one canvas, as a learner makes them: new backgrounds, a cached one, projector mode on and off."""
    session = ExplorerSession(state_from_settings(route="intranasal", window_h=8))
    yield "first frame", session.scene
    session.set(dose_mg_per_kg=0.6)
    yield "same axes, new curve", session.scene
    session.set(log_scale=True, norketamine=True, effect_site=True)
    yield "log axis, overlays", session.scene
    session.pin()
    session.set(route="iv_infusion", variability=True, projector=True)
    yield "projector, pin and bands", session.scene
    session.set(route="esketamine_nasal_spray", log_scale=False, window_h=12)
    yield "projector, observation period", session.scene
    session.set(weight_kg=150, route="iv_bolus", projector=False, window_h=1)
    yield "back to the small frame, 1 h", session.scene
    session.clear_pins()
    session.set(route="esketamine_nasal_spray", weight_kg=20)
    assert session.scene.live is None                  # below the esketamine model's weights: no curve at all
    yield "no curve", session.scene


def test_live_frames_decode_to_exactly_the_pixels_meant(encoded):
    canvas = drawing.PlotCanvas()
    sizes = set()
    for name, scene in _scenes():
        png = canvas.render(scene)
        intended, sent = encoded[-1]
        assert sent == png == canvas.png, name
        assert np.array_equal(intended, np.asarray(canvas.figure.canvas.buffer_rgba())), name
        projector = scene.state.projector
        width, height = (round(inches * drawing.DPI[projector]) for inches in drawing.FIGURE_IN)
        assert intended.shape == (height, width, 4) and intended.dtype == np.uint8, name
        image = _decoded(png)
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (width, height)), name
        decoded = np.asarray(image)
        assert decoded.shape == intended.shape and decoded.dtype == np.uint8, name
        assert np.array_equal(decoded, intended), (name, np.argwhere(decoded != intended)[:5])
        if scene.live is not None:
            # the comparison can see a mistake: a curve's frame has colour (each pair of channels differs
            # somewhere), so the same pixels with two channels swapped would not pass
            for a, b in ((0, 1), (0, 2), (1, 2), (0, 3)):
                assert np.any(intended[..., a] != intended[..., b]), (name, a, b)
                order = [0, 1, 2, 3]
                order[a], order[b] = b, a
                swapped = raster.encode_png(np.ascontiguousarray(intended[..., order]))
                assert not np.array_equal(np.asarray(_decoded(swapped)), intended), (name, a, b)
        sizes.add(image.size)
    assert sizes == {(660, 390), (990, 585)}
    assert len(encoded) == 7


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (5, 17), (64, 1), (37, 250)])
def test_the_encoder_keeps_every_channel_of_every_pixel(shape):
    """Channels, rows and transparency exactly, on noise (nothing to compress) and odd sizes."""
    rgba = np.random.default_rng(sum(shape)).integers(0, 256, (*shape, 4), dtype=np.uint8)
    rgba[0, 0] = (1, 2, 3, 4)                       # four different channels in a known place
    image = _decoded(raster.encode_png(rgba))
    assert (image.mode, image.size) == ("RGBA", (shape[1], shape[0]))
    assert np.array_equal(np.asarray(image), rgba)
    assert tuple(np.asarray(image)[0, 0]) == (1, 2, 3, 4)
