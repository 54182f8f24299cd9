"""Sharing: app.state and share codes rebuild the same curves; old codes load; bad codes change nothing."""
import base64
import json
import random
import zlib

import numpy as np
import pytest

from helpers import ROUTES, explore
from helpers.explorer.settings import DOSE_LADDERS, SLIDERS, WINDOW_OPTIONS_H
from helpers.explorer.share import ShareCodeError, code_from_query, decode

# A code made with format version 1 (the first), for: intranasal, 0.75 mg/kg, 64 kg, 3 doses every 6 h,
# swallowed fraction 0.8, 24-h window, norketamine shown, and one pinned curve (oral 35 mg, 70 kg, venous).
# Later versions must keep loading it.
CODE_V1 = ("KRL1.enjaTY3LCsIwFET_ZdYhpJo-mK9wLy4iFCytKSSpIiH_7k3cuBm45zJnMi7gNeMO4jX7_YhQeILnXhuFIHQPbhP2BkdT2Qfsyk3hAQ"
           "71XkGjx7617FSJl7qkPFI45p9l8Sk472JzRTD_ExFMRSGBJ9uWBqtN-QJwHSmk.8a9571")


def _plotted(app) -> dict:
    """Every array the plot shows."""
    out = {"line": (app.line.get_xdata(), app.line.get_ydata()),
           "norketamine": app.norketamine_line.get_ydata(), "effect": app.effect_line.get_ydata(),
           "pins": [(line.get_xdata(), line.get_ydata(), line.get_label()) for line in app.canvas.pin_lines]}
    out["bands"] = [band.get_paths()[0].vertices for band in app.bands]
    return out


def _assert_same_plot(a, b):
    pa, pb = _plotted(a), _plotted(b)
    for key in ("line",):
        for x, y in zip(pa[key], pb[key]):
            assert np.array_equal(x, y)
    assert np.array_equal(pa["norketamine"], pb["norketamine"]) and np.array_equal(pa["effect"], pb["effect"])
    assert len(pa["pins"]) == len(pb["pins"])
    for (xa, ya, la), (xb, yb, lb) in zip(pa["pins"], pb["pins"]):
        assert la == lb and np.array_equal(xa, xb) and np.array_equal(ya, yb)
    assert len(pa["bands"]) == len(pb["bands"])
    for va, vb in zip(pa["bands"], pb["bands"]):
        assert np.array_equal(va, vb)


def _random_settings(rng: random.Random) -> dict:
    route = rng.choice([key for key in ROUTES if not ROUTES[key].fixed_doses_mg])
    unit = rng.choice(["mg_per_kg", "mg"])
    settings = {"route": route, "weight_kg": float(rng.randrange(10, 151)), "window_h": rng.choice(WINDOW_OPTIONS_H),
                "sampling_site": rng.choice(["venous", "arterial"])}
    if unit == "mg_per_kg":
        settings["dose_mg_per_kg"] = rng.choice(DOSE_LADDERS["mg_per_kg"])
    else:
        settings["dose_mg"] = rng.choice(DOSE_LADDERS["mg"])
    for name in ("infusion_min", "n_doses", "interval_h"):
        spec = SLIDERS[name]
        settings[name] = spec.low + spec.step * rng.randrange(0, int(round((spec.high - spec.low) / spec.step)) + 1)
    if ROUTES[route].has_swallowed_part:
        settings["swallowed_fraction"] = rng.randrange(0, 101) / 100
    for flag in ("effect_site", "norketamine", "log_scale"):
        settings[flag] = rng.random() < 0.4
    settings["variability"] = rng.random() < 0.15
    settings["infusion_min"] = int(settings["infusion_min"])
    settings["n_doses"] = int(settings["n_doses"])
    return settings


@pytest.mark.parametrize("seed", range(12))
def test_state_round_trip_rebuilds_identical_curves(seed):
    rng = random.Random(seed)
    app = explore()
    for _ in range(rng.randrange(0, 4)):          # some pinned curves
        app.set(**_random_settings(rng))
        app.pin()
    app.set(**_random_settings(rng))
    state = app.state
    assert json.loads(json.dumps(state)) == state
    for restored in (explore(state=state), explore(state=json.loads(json.dumps(state))),
                     explore(state=app.share_code())):
        assert restored.state == state
        assert restored.simulate_kwargs() == app.simulate_kwargs()
        _assert_same_plot(app, restored)


def test_a_code_of_the_first_format_still_loads():
    app = explore(state=CODE_V1)
    assert app.simulate_kwargs() == {"route": "intranasal", "dose_mg": 48.0, "weight_kg": 64.0, "n_doses": 3,
                                     "interval_min": 360.0, "swallowed_fraction": 0.8, "sampling_site": "venous",
                                     "t_end_min": 1440.0, "dt_min": 1.2}
    assert app.controls["dose_unit"].value == "mg_per_kg" and app.controls["dose"].value == 0.75
    assert app.controls["norketamine"].value and not app.controls["effect_site"].value
    assert [line.get_label() for line in app.canvas.pin_lines] == ["Oral 35 mg, 70 kg, venous blood"]


def test_a_code_without_a_newer_control_loads_with_its_default():
    # A version-1 code holding only the route and the dose: every other control takes its default.
    app = explore(state="KRL1.ansiayI6MC4yNSwiciI6Im9yYWwifQ.cd1eac")
    assert app.simulate_kwargs()["route"] == "oral" and app.controls["dose"].value == 0.25
    assert app.controls["sampling_site"].value == "venous" and not app.controls["effect_site"].value


def _signed(kind: str, body: bytes) -> str:
    """A code with a valid check over any payload (what a hostile page could craft)."""
    payload = base64.urlsafe_b64encode(kind.encode() + body).decode().rstrip("=")
    return f"KRL1.{payload}.{zlib.crc32(payload.encode()) & 0xFFFFFF:06x}"


BAD_CODES = [
    ("", "not a valid share code"),
    ("hello", "not a valid share code"),
    ("KRL1.abc", "not a valid share code"),
    (CODE_V1[:-1] + ("0" if CODE_V1[-1] != "0" else "1"), "damaged or was changed"),
    (CODE_V1[:20] + ("A" if CODE_V1[20] != "A" else "B") + CODE_V1[21:], "damaged or was changed"),
    (CODE_V1.replace("KRL1", "KRL7"), "newer version"),
    (CODE_V1.replace("KRL1", "KRLx"), "no format version"),
    ("KRL1.bm9wZQ.f9a14c", "cannot be read"),                         # right check digits, not a state
    ("KRL1.ansicSI6ImludmFsaWQifQ.a27a15", "unknown setting"),       # {"q": "invalid"}
    ("KRL1.ansiciI6Im9yYWwiLCJ3Ijo1MDB9.16f04d", "cannot use"),       # weight 500 kg
    ("KRL1.\u00e9t\u00e9.abcdef", "use only letters, digits"),             # not ASCII
    ("KRL" + "9" * 5000 + ".abc.abcdef", "no format version"),        # a 5000-digit version
    ("KRL1." + "A" * 9000 + ".abcdef", "characters long"),            # longer than any state
    (_signed("z", zlib.compress(b" " * 10_000_000, 9)), "characters long"),   # a 10-MB bomb
    (_signed("z", zlib.compress(b'{"r":"oral"}' + b" " * 100_000, 9)), "cannot be read"),   # inflates past 64 kB
]


@pytest.mark.parametrize("code, words", BAD_CODES)
def test_bad_codes_give_a_clear_message_and_change_nothing(code, words):
    with pytest.raises(ShareCodeError, match=words):
        decode(code)
    app = explore(route="oral", dose_mg_per_kg=0.75, weight_kg=64)
    app.pin()
    before_state, before_pixels = app.state, bytes(app.figure.canvas.buffer_rgba())
    with pytest.raises(ValueError, match=words):
        app.load(code)
    assert app.state == before_state and bytes(app.figure.canvas.buffer_rgba()) == before_pixels
    if code:
        app.controls["code"].value = code                 # pasted into the explorer's box
        assert words in app.outputs["message"].value
        assert app.state == before_state and bytes(app.figure.canvas.buffer_rgba()) == before_pixels
    with pytest.raises(ValueError, match=words):
        explore(state=code)


def test_bad_state_dicts_are_refused():
    good = explore().state
    for bad, words in [({**good, "weight_kg": 500}, "weight_kg"), ({**good, "colour": "red"}, "unknown key"),
                       ({**good, "version": 99}, "version"), ({**good, "pins": [{"route": "oral"}]}, "dose_mg"),
                       ({**good, "swallowed_fraction": {"oral": 0.5}}, "swallowed_fraction"),
                       ({**good, "version": [1]}, "version"), ({**good, "version": 10**5000}, "5001 digits"),
                       ({**good, "version": True}, "version")]:
        with pytest.raises(ValueError, match=words):
            explore(state=bad)


def test_share_shows_the_code_and_in_the_app_view_a_link(monkeypatch):
    app = explore(route="rectal")
    app.controls["share"].click()
    shown = app.outputs["share"].value
    assert app.share_code() in shown and "href" not in shown           # JupyterLab: no page address
    app.controls["dose"].value = 1.0                                   # a stale code is taken away
    assert app.outputs["share"].value == ""
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://localhost:8866/voila/render/01_route_explorer.ipynb?x=1")
    app.controls["share"].click()
    link = f"http://localhost:8866/voila/render/01_route_explorer.ipynb?state={app.share_code()}"
    assert link in app.outputs["share"].value


def test_the_app_view_opens_a_share_link_for_its_explorer(monkeypatch):
    source = explore(route="sublingual", dose_mg=25, n_doses=3, interval_h=8, window_h=24)
    source.pin()
    code = source.share_code()
    target = explore(route="iv_bolus")                # the same explore() call as the page's notebook cell
    monkeypatch.setenv("QUERY_STRING", f"state={code}&explorer={target.origin}")
    assert code_from_query() == (code, target.origin)
    opened = explore(route="iv_bolus")
    assert opened.state == source.state
    other = explore(route="oral")                     # another explorer of the notebook: not this link's
    assert other.simulate_kwargs()["route"] == "oral"
    monkeypatch.setenv("QUERY_STRING", "state=KRL1.garbage.000000")
    broken = explore(route="iv_bolus")
    assert broken.simulate_kwargs()["route"] == "iv_bolus" and "could not be loaded" in broken.outputs["message"].value


def test_a_dose_typed_in_mg_and_shown_in_mg_per_kg_survives_sharing():
    app = explore(weight_kg=82, dose_mg=35)
    app.controls["dose_unit"].value = "mg_per_kg"          # shows 0.426829 mg/kg, still uses 35 mg
    for restored in (explore(state=app.share_code()), explore(state=app.state)):
        assert restored.simulate_kwargs()["dose_mg"] == 35.0 and restored.controls["dose"].value == 0.426829
