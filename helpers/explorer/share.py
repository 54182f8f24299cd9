"""Share codes: the explorer's whole state as a short, versioned text code (and a link in the app view).

A code looks like ``KRL1.<payload>.<check>``: format version, the state as
compact JSON (zlib-compressed when that is shorter) in URL-safe base64, and
six hex digits of CRC-32 over the payload, so a mistyped or altered code is
refused instead of loading something else.

Compatibility: every format version keeps its own short keys and its own
frozen defaults (values equal to them are left out of the code). A new
control gets a new key in the next version; codes of an older version simply
lack it and load with its default, so old codes keep working. A code from a
newer version than this explorer knows is refused with a clear message.

In Voila's app view the page's query string (``?state=<code>``) reaches the
kernel as the ``QUERY_STRING`` environment variable (Voila 0.5 sets it for
every kernel it starts); :func:`code_from_query` reads it.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import zlib
from urllib.parse import parse_qs, urlsplit

from ..core.checks import shown
from .settings import FORMAT_VERSION, SETTINGS
from .state import ExplorerState, default_state
from .validation import state_from_dict

__all__ = ["FORMAT_VERSION", "ShareCodeError", "encode", "decode", "decode_dict", "code_from_query", "share_link",
           "app_page_url", "versioned_dict", "state_from_versioned"]

PREFIX = "KRL"
QUERY_KEY = "state"
EXPLORER_KEY = "explorer"

def _format(version: int) -> tuple[dict, dict, dict]:
    """(short key of every setting, short key of every pin setting, defaults left out of a code) of a format.

    From the settings registry: each setting's ``share_key`` from the format that introduced it, and its
    ``share_default``, frozen once released. The route and both doses are always written (the catalogue
    decides the default route, and the dose in the unit not shown is kept exactly as the learner left it).
    """
    settings = [s for s in SETTINGS.values() if s.since <= version]
    keys = {s.name: s.share_key for s in settings}
    defaults = {s.name: s.share_default for s in settings
                if s.name not in ("route", "dose_mg", "dose_mg_per_kg") and not s.per_route}
    return keys, dict(_PIN_KEYS_V1), defaults


_PIN_KEYS_V1 = {"route": "r", "dose_mg": "m", "weight_kg": "w", "infusion_min": "i", "n_doses": "n",
                "interval_min": "iv", "swallowed_fraction": "s", "sampling_site": "b", "style": "y"}
FORMATS = {version: _format(version) for version in range(1, FORMAT_VERSION + 1)}

#: Longest code accepted (a state with every pin takes well under 2 000 characters) and the most its
#: contents may inflate to: a longer or denser code is refused before it costs any time or memory.
MAX_CODE_CHARS = 8_000
MAX_STATE_BYTES = 64_000
_CODE_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


class ShareCodeError(ValueError):
    """A share code that cannot be read; the message says why and what a good code looks like."""


def _unexpected(text: str, why: str) -> ShareCodeError:
    shown = text if len(text) <= 40 else text[:30] + "..." + text[-6:]
    return ShareCodeError(f"this is not a valid share code ({why}); a code looks like "
                          f"{PREFIX}{FORMAT_VERSION}.<letters>.<6 hex digits>; got {shown!r}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check(payload: str) -> str:
    return f"{zlib.crc32(payload.encode('ascii')) & 0xFFFFFF:06x}"


def encode(state: ExplorerState) -> str:
    """The share code of a state (every control value and every pin)."""
    keys, pin_keys, defaults = FORMATS[FORMAT_VERSION]
    data = state.to_dict()
    defaults = {**defaults, **{name: _route_defaults(name) for name, s in SETTINGS.items() if s.per_route}}
    compact = {}
    for name, value in data.items():
        if SETTINGS[name].per_route:
            value = {k: v for k, v in value.items() if defaults[name].get(k) != v}
            if value:
                compact[keys[name]] = value
            continue
        if name == "pins":
            value = [{pin_keys[k]: v for k, v in pin.items()} for pin in value]
        if name in ("route", "dose_mg", "dose_mg_per_kg") or value != defaults.get(name):   # doses: always both
            compact[keys[name]] = value
    text = json.dumps(compact, separators=(",", ":"), sort_keys=True).encode("utf-8")
    packed = zlib.compress(text, 9)
    payload = _b64(b"z" + packed) if len(packed) < len(text) else _b64(b"j" + text)
    return f"{PREFIX}{FORMAT_VERSION}.{payload}.{_check(payload)}"


def _route_defaults(name: str) -> dict:
    """Per-route defaults (from the route catalogue): entries equal to them are left out of a code."""
    return dict(getattr(default_state(), name))


def decode_dict(code) -> dict:
    """The state dict (keys of :meth:`ExplorerState.to_dict`) a code holds; raises :class:`ShareCodeError`."""
    if not isinstance(code, str):
        raise ShareCodeError(f"a share code is text; got {type(code).__name__}")
    text = code.strip()
    if len(text) > MAX_CODE_CHARS:
        raise _unexpected(text, f"it is {len(text)} characters long; codes are at most {MAX_CODE_CHARS}")
    if not set(text) <= _CODE_ALPHABET:
        odd = next(c for c in text if c not in _CODE_ALPHABET)
        raise _unexpected(text, f"it contains {odd!r}; codes use only letters, digits, '-', '_' and '.'")
    parts = text.split(".")
    if len(parts) != 3 or not parts[0].startswith(PREFIX):
        raise _unexpected(text, f"it should have three parts separated by dots and start with {PREFIX}")
    version_text, payload, check = parts
    digits = version_text[len(PREFIX):]
    if not digits.isdigit() or len(digits) > 6:
        raise _unexpected(text, "no format version (a small number) after " + PREFIX)
    version = int(digits)
    if version not in FORMATS:
        if version > FORMAT_VERSION:
            raise ShareCodeError(f"this code was made by a newer version of the explorer (format {version}; "
                                 f"this one reads formats 1 to {FORMAT_VERSION}); update the course to load it")
        raise _unexpected(text, f"unknown format version {version}")
    if _check(payload) != check.lower():
        raise ShareCodeError("this share code is damaged or was changed (its check digits do not match); "
                             "copy the whole code again")
    try:
        raw = _unb64(payload)
        body = _inflate(raw[1:]) if raw[:1] == b"z" else raw[1:] if raw[:1] == b"j" else None
        compact = json.loads(body) if body is not None and len(body) <= MAX_STATE_BYTES else None
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError, RecursionError):
        compact = None
    if not isinstance(compact, dict):
        raise _unexpected(text, "its contents cannot be read")
    keys, pin_keys, defaults = FORMATS[version]
    names = {short: name for name, short in keys.items()}
    pin_names = {short: name for name, short in pin_keys.items()}
    data = {name: value for name, value in defaults.items()}
    for short, value in compact.items():
        if short not in names:
            raise _unexpected(text, f"unknown setting {short!r}")
        if names[short] == "pins":
            if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
                raise _unexpected(text, "its pinned curves cannot be read")
            try:
                value = [{pin_names[k]: v for k, v in pin.items()} for pin in value]
            except KeyError as error:
                raise _unexpected(text, f"unknown pin setting {error.args[0]!r}") from None
        data[names[short]] = value
    # The dose in the unit not shown is derived: when a code leaves it out, it is derived again on loading.
    unit = data.get("dose_unit", "mg_per_kg")
    derived = "dose_mg_per_kg" if unit == "mg" else "dose_mg"
    if keys[derived] not in compact:
        data.pop(derived, None)
    return data


def _inflate(packed: bytes) -> bytes | None:
    """The decompressed payload, or None if it would exceed MAX_STATE_BYTES (a decompression bomb)."""
    inflater = zlib.decompressobj()
    body = inflater.decompress(packed, MAX_STATE_BYTES + 1)
    return None if len(body) > MAX_STATE_BYTES or inflater.unconsumed_tail else body


def decode(code) -> ExplorerState:
    """The state a share code holds, validated; raises :class:`ShareCodeError` (a ValueError) with the reason."""
    data = decode_dict(code)
    try:
        return state_from_dict(data)
    except ValueError as error:
        raise ShareCodeError(f"this share code holds a setting the explorer cannot use: {error}") from None


def versioned_dict(state: ExplorerState) -> dict:
    """The state as a plain dict with its format version (``app.state``)."""
    return {"version": FORMAT_VERSION, **state.to_dict()}


def state_from_versioned(data) -> ExplorerState:
    """A state from :func:`versioned_dict` output of this or an older version (missing keys take defaults)."""
    if not isinstance(data, dict):
        raise ValueError(f"state must be a dict (app.state) or a share code (text); got {type(data).__name__}")
    data = dict(data)
    version = data.pop("version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version not in FORMATS:
        raise ValueError(f"state has format version {shown(version)}; this explorer reads versions 1 to "
                         f"{FORMAT_VERSION}")
    return state_from_dict(data)


def code_from_query(query: str | None = None) -> tuple[str | None, str]:
    """``(code, explorer)`` from a page query such as ``state=KRL1.xyz.0a1b2c&explorer=3f09aa``.

    Without ``query``, reads the ``QUERY_STRING`` that Voila gives the kernel (empty outside Voila).
    ``explorer`` (empty if absent) names the ``explore()`` call of the notebook the code is for.
    """
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    fields = parse_qs(query.lstrip("?"))
    return fields.get(QUERY_KEY, [None])[0], fields.get(EXPLORER_KEY, [""])[0]


def app_page_url() -> str | None:
    """The app page's address without its query (Voila's ``VOILA_REQUEST_URL``), or None outside Voila."""
    url = os.environ.get("VOILA_REQUEST_URL")
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def share_link(code: str, explorer: str = "", page_url: str | None = None) -> str | None:
    """A link to the app page that opens with this state (None outside the app view)."""
    page_url = page_url or app_page_url()
    if page_url is None:
        return None
    extra = f"&{EXPLORER_KEY}={explorer}" if explorer else ""
    return f"{page_url}?{QUERY_KEY}={code}{extra}"
