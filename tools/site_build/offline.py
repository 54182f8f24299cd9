"""Installable, offline after one visit, and light on the wire.

* :func:`installable`: a web app manifest and icons (the browser offers to install the course), and the
  site's service worker, which replaces JupyterLite's own (``service-worker.js``, in the three places the
  apps look for it). Ours keeps what JupyterLite's does (the kernel's file system and ``input()`` go to the
  page through it, and it answers the heartbeat) and adds what JupyterLite's cannot (its cache is off,
  precaches nothing, never caches /api/, and forgets its setting when the browser restarts it): every file
  the site serves is kept in one cache per build, served from there first, so a lesson opened once works
  offline and starts without the network; the small files of every lesson (pages, notebooks, settings)
  are fetched in the background once a page is idle (a lesson live, the landing page shown: the page posts
  ``krl-idle``), and the landing page's *Prepare this device* fetches the rest. A new build has a new cache
  name, so a learner never runs a stale file.
* :func:`precompress`: a brotli (``.br``) and a gzip (``.gz``) copy beside every file that compresses well,
  for a server that sends them with ``Content-Encoding`` (``make serve-site`` does; a plain static host
  ignores them and serves the originals).

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import struct
import zlib
from pathlib import Path

from .context import BuildContext, log
from .pins import BUILD_TOOLS, SITE_TITLE

#: the JupyterLite version its service-worker manager checks (its localStorage key, see the landing page)
JUPYTERLITE_APP_VERSION = BUILD_TOOLS["jupyterlite-core"]
#: files at most this big are fetched in the background on the first visit (pages, notebooks, settings)
SMALL_BYTES = 1_000_000
#: kinds of file worth storing compressed (wheels, zips, fonts and images are compressed already)
COMPRESSIBLE = (".js", ".mjs", ".css", ".html", ".json", ".wasm", ".svg", ".ipynb", ".txt", ".map", ".ico",
                ".webmanifest", ".py", ".md", ".csv")
#: a compressed copy is kept only if it is at most this share of the original
WORTH = 0.9

SERVICE_WORKER = r"""/* Ketamine Routes Lab: the site's service worker (tools/site_build/offline.py), build %(build)s */
const CACHE = "krl-site-%(build)s";
const SMALL = %(small)s;
const ALL = %(all)s;
const broadcast = new BroadcastChannel("/sw-api.v1");

self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("krl-site-") && name !== CACHE) { await caches.delete(name); }
    }
    await self.clients.claim();
  })());
});

// JupyterLite's own protocol (service-worker.ts of jupyterlite 0.6.4): the heartbeat, and the kernel's
// file system and input() requests relayed to the page that owns them
function relayed(url) {
  return url.origin === location.origin &&
    (url.pathname.includes("/api/drive") || url.pathname.includes("/api/stdin/"));
}
async function broadcastOne(request, url) {
  const message = await request.json();
  const answer = new Promise((resolve) => {
    const handler = (event) => {
      if (event.data.browsingContextId !== message.browsingContextId) { return; }
      resolve(new Response(JSON.stringify(event.data.response)));
      broadcast.removeEventListener("message", handler);
    };
    broadcast.addEventListener("message", handler);
  });
  message.pathname = url.pathname;
  broadcast.postMessage(message);
  return await answer;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.pathname.endsWith("/api/service-worker-heartbeat")) { event.respondWith(new Response("ok")); return; }
  if (relayed(url)) { event.respondWith(broadcastOne(request, url)); return; }
  if (request.method !== "GET" || url.origin !== location.origin) { return; }
  event.respondWith(cacheFirst(request));
});

// kept under the path alone (the apps add ?v=, ?sha256= and the like to the same files): matched exactly,
// which the browser looks up directly (ignoreSearch would scan the whole cache on every request)
let opened = null;
async function cacheFirst(request) {
  const cache = await (opened || (opened = caches.open(CACHE)));
  const path = new URL(request.url).pathname;
  const kept = await cache.match(path);
  if (kept) { return kept; }
  const response = await fetch(request);
  if (response.ok && response.type === "basic") { cache.put(path, response.clone()); }
  return response;
}

// fetch what is not kept yet; tell the asking page how far it got
async function fill(paths, client) {
  const cache = await caches.open(CACHE);
  const base = self.registration.scope;
  let done = 0, bytes = 0;
  const total = paths.reduce((sum, p) => sum + p[1], 0);
  for (const [path, size] of paths) {
    const url = new URL(path, base);
    if (!(await cache.match(url.pathname))) {
      try {
        const response = await fetch(url);
        if (response.ok) { await cache.put(url.pathname, response); }
      } catch (e) { if (client) { client.postMessage({ type: "krl-offline", error: String(e) }); } return; }
    }
    done += 1; bytes += size;
    if (client && (done %% 20 === 0 || done === paths.length)) {
      client.postMessage({ type: "krl-offline", done, total: paths.length, bytes, totalBytes: total });
    }
  }
}

self.addEventListener("message", (event) => {
  if (!event.data) { return; }
  if (event.data.type === "krl-prepare") { event.waitUntil(fill(ALL, event.source)); }
  // a page with nothing more to load (a lesson once live, the landing page): the small files of every
  // lesson now, so that the next lesson starts from here; never earlier, when they would slow this start
  if (event.data.type === "krl-idle") { event.waitUntil(fill(SMALL, null)); }
});
"""


def _png(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A square PNG of one colour with a lighter border (an app icon; no imaging library needed)."""
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            edge = min(x, y, size - 1 - x, size - 1 - y) < size // 10
            row += bytes(min(255, c + 70) for c in rgb) if edge else bytes(rgb)
        rows.append(bytes(row))
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + \
        chunk(b"IEND", b"")


def _site_files(stage: Path) -> list[tuple[str, int]]:
    skip = (".br", ".gz")
    return sorted((str(p.relative_to(stage)), p.stat().st_size) for p in stage.rglob("*")
                  if p.is_file() and not p.name.endswith(skip) and p.name != "service-worker.js")


def build_id(stage: Path) -> str:
    """A short hash of every file of the site: the service worker's cache is named after it."""
    digest = hashlib.sha256()
    for name, _ in _site_files(stage):
        digest.update(name.encode() + b"\0" + hashlib.sha256((stage / name).read_bytes()).digest())
    return digest.hexdigest()[:12]


def installable(ctx: BuildContext) -> None:
    """Step: the web app manifest, its icons, and the service worker in place of JupyterLite's."""
    icons = ctx.stage / "static" / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (icons / f"icon-{size}.png").write_bytes(_png(size, (11, 83, 148)))
    (ctx.stage / "manifest.webmanifest").write_text(json.dumps({
        "name": SITE_TITLE, "short_name": "Ketamine Lab", "start_url": "./index.html", "scope": "./",
        "display": "standalone", "background_color": "#fafafa", "theme_color": "#0b5394",
        "description": "Teaching simulation, not dosing guidance: simulated ketamine plasma levels by route.",
        "icons": [{"src": f"static/icons/icon-{s}.png", "sizes": f"{s}x{s}", "type": "image/png"}
                  for s in (192, 512)]}, indent=1))
    files = _site_files(ctx.stage)
    build = build_id(ctx.stage)
    worker = SERVICE_WORKER % {"build": build, "small": json.dumps([f for f in files if f[1] <= SMALL_BYTES]),
                               "all": json.dumps(files)}
    places = [p for p in (ctx.stage / "service-worker.js", ctx.stage / "build" / "service-worker.js",
                          ctx.stage / "voici" / "build" / "service-worker.js") if p.exists() or p.parent.is_dir()]
    for place in places:
        place.write_text(worker, encoding="utf-8")
    ctx.manifest.append({"file": "service-worker.js", "source": f"generated by build_site.py (build {build}; "
                         f"{len(files)} files, {sum(s for _, s in files) / 1e6:.1f} MB to keep offline)"})
    log(f"service worker: build {build}, {len(files)} files ({sum(1 for f in files if f[1] <= SMALL_BYTES)} "
        "small ones fetched once a page is idle)")


def precompress(ctx: BuildContext) -> None:
    """Step: ``.br`` and ``.gz`` beside every file of a compressible kind that shrinks to WORTH or less."""
    import brotli  # in the build venv (tools/site-requirements.txt)

    kept = saved = 0
    for path in sorted(p for p in ctx.stage.rglob("*") if p.is_file() and p.suffix in COMPRESSIBLE):
        data = path.read_bytes()
        if len(data) < 512:
            continue
        for suffix, packed in ((".br", brotli.compress(data, quality=11)),
                               (".gz", gzip.compress(data, compresslevel=9, mtime=0))):
            if len(packed) <= WORTH * len(data):
                path.with_name(path.name + suffix).write_bytes(packed)
                kept += 1
                if suffix == ".br":
                    saved += len(data) - len(packed)
    log(f"compressed copies: {kept} files; brotli saves {saved / 1e6:.1f} MB on the wire")
