"""``make serve-site``'s file server (helpers/classroom/serve.py, static.py), started as make starts it, on a
small fake site, no browser.

The stored compressed copy goes to a browser that accepts it, with the original's type; a range request,
or a browser that accepts neither coding, gets the original bytes; content-hashed names may be kept a year,
everything else is revalidated; nothing outside the site is served.
"""
from __future__ import annotations

import gzip
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from browser_support import ROOT, free_port

ORIGINAL = b"console.log('teaching simulation, not dosing guidance');\n" * 50
FAKE_BROTLI = b"stored brotli bytes"       # the server never compresses: it sends what the build stored


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<h1>landing</h1>")
    build = site / "build"
    build.mkdir()
    for name in ("bundle.3745c44cbbd62cec9a73.js", "config-utils.js"):
        (build / name).write_bytes(ORIGINAL)
        (build / f"{name}.gz").write_bytes(gzip.compress(ORIGINAL))
        (build / f"{name}.br").write_bytes(FAKE_BROTLI)
    (site / "static").mkdir()
    (site / "static" / "pyodide.asm.wasm").write_bytes(b"\0asm" + bytes(100))
    (site.parent / "secret.txt").write_text("not part of the site")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "helpers.classroom.serve", "--site", str(site), "--port",
                             str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


class Response:
    def __init__(self, code, headers, body):
        self.code, self.headers, self.body = code, headers, body


def get(base, path, **headers):
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def test_brotli_then_gzip_then_the_file_itself(server):
    response = get(server, "/build/config-utils.js", **{"Accept-Encoding": "gzip, deflate, br"})
    assert response.code == 200 and response.headers["Content-Encoding"] == "br"
    assert response.body == FAKE_BROTLI
    assert response.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
    assert response.headers["Vary"] == "Accept-Encoding"
    response = get(server, "/build/config-utils.js", **{"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and gzip.decompress(response.body) == ORIGINAL
    response = get(server, "/build/config-utils.js", **{"Accept-Encoding": "identity"})
    assert response.headers.get("Content-Encoding") is None and response.body == ORIGINAL


def test_a_range_is_of_the_original_bytes(server):
    response = get(server, "/build/config-utils.js", **{"Accept-Encoding": "br", "Range": "bytes=0-6"})
    assert response.code == 206 and response.body == ORIGINAL[:7]
    assert response.headers.get("Content-Encoding") is None


def test_hashed_names_are_kept_and_the_rest_revalidated(server):
    hashed = get(server, "/build/bundle.3745c44cbbd62cec9a73.js")
    assert "immutable" in hashed.headers["Cache-Control"] and "max-age=31536000" in hashed.headers["Cache-Control"]
    plain = get(server, "/build/config-utils.js")
    assert plain.headers["Cache-Control"] == "no-cache" and plain.headers["Etag"]
    again = get(server, "/build/config-utils.js", **{"If-None-Match": plain.headers["Etag"]})
    assert again.code == 304


def test_types_folders_and_refusals(server):
    assert get(server, "/static/pyodide.asm.wasm").headers["Content-Type"] == "application/wasm"
    landing = get(server, "/")
    assert landing.code == 200 and b"landing" in landing.body
    assert get(server, "/no-such-file.js").code == 404
    assert get(server, "/%2e%2e/secret.txt").code in (400, 403, 404)
    assert b"not part of the site" not in get(server, "/%2e%2e/secret.txt").body
