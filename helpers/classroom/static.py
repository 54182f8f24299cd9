"""The browser edition served as built: pre-compressed copies sent with Content-Encoding, and caching headers.

The build stores a brotli (``.br``) and a gzip (``.gz``) copy beside every file that compresses well
(tools/site_build/offline.py). :class:`SiteFiles` is tornado's own static file handler (ETags, ranges,
conditional requests), told to send the compressed copy a browser accepts, with the original's type, and
to let browsers keep what they fetched: files whose names carry a content hash for a year, everything else
revalidated with its ETag on each use (a cheap 304; the browser's compiled WebAssembly survives that,
but not ``no-store``). Nothing is compressed while serving: a class of thirty costs the laptop file reads.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path

import tornado.web

__all__ = ["SiteFiles", "site_routes", "ENCODINGS", "HASHED_NAME"]

#: content codings a browser may accept, best first, and the suffix of their stored copy
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
#: names with a content hash in them (webpack bundles: 3745c44cbbd62cec9a73.js, remoteEntry.698dcaf7.js)
HASHED_NAME = re.compile(r"[.-][0-9a-f]{8,}\.(js|css|woff2?|wasm)$")
_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".webmanifest": "application/manifest+json",
          ".whl": "application/zip", ".ipynb": "application/json", ".map": "application/json"}


class SiteFiles(tornado.web.StaticFileHandler):
    """Tornado's static files, choosing a pre-compressed copy when the browser accepts it."""

    def initialize(self, path: str, default_filename: str | None = "index.html") -> None:
        super().initialize(path, default_filename)
        self.encoding = None
        self.original = None

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        served = super().validate_absolute_path(root, absolute_path)
        if served is None or os.path.isdir(served):
            return served
        self.original = served
        accepted = {part.split(";")[0].strip() for part in self.request.headers.get("Accept-Encoding", "").split(",")}
        if not self.request.headers.get("Range"):       # a range is of the original bytes
            for coding, suffix in ENCODINGS:
                if coding in accepted and os.path.isfile(served + suffix):
                    self.encoding = coding
                    self._stat_result = os.stat(served + suffix)    # tornado sizes the response from it
                    return served + suffix
        return served

    def get_content_type(self) -> str:
        original = self.original or self.absolute_path
        suffix = Path(original).suffix
        if suffix in _TYPES:
            return _TYPES[suffix]
        guessed, _ = mimetypes.guess_type(original)
        return guessed or "application/octet-stream"

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Vary", "Accept-Encoding")
        if self.encoding:
            self.set_header("Content-Encoding", self.encoding)
        if HASHED_NAME.search(path):
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.set_header("Cache-Control", "no-cache")     # kept, revalidated with its ETag at each use

    def get_cache_time(self, path, modified, mime_type):
        return 0                                             # the Cache-Control above says it all


def site_routes(site: Path) -> list:
    """Tornado routes that serve a built site at the root (index.html for a folder)."""
    return [(r"/(.*)", SiteFiles, {"path": str(Path(site).resolve()), "default_filename": "index.html"})]
