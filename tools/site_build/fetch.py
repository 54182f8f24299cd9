"""Cached, hash-checked downloads: wheels with pip (--require-hashes), npm tarballs over HTTPS.

A download is kept in the cache folder; a rebuild with a filled cache makes no network request.
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from .context import BuildError, log, sha256_file
from .pins import PYODIDE_NPM_INTEGRITY, PYODIDE_VERSION


def pip_fetch(requirement: str, filename: str, sha256: str, dest: Path) -> Path:
    """Return dest/filename, downloading it with pip (hash-checked) only when not cached."""
    path = dest / filename
    if path.exists() and sha256_file(path) == sha256:
        return path
    dest.mkdir(parents=True, exist_ok=True)
    log(f"downloading {requirement} with pip")
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "req.txt"
        req.write_text(f"{requirement} --hash=sha256:{sha256}\n")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--require-hashes", "-r", str(req), "-d", tmp]
        result = subprocess.run(cmd, capture_output=True, text=True)
        got = Path(tmp) / filename
        if result.returncode != 0 or not got.exists():
            raise BuildError(f"could not download {filename} ({requirement}):\n{result.stderr.strip()}")
        if sha256_file(got) != sha256:
            raise BuildError(f"{filename}: sha256 differs from the pinned value")
        shutil.copy2(got, path)
    return path


#: the npm registry the tarballs come from (npm's own setting, if set, else the public registry)
NPM_REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org/"


def npm_fetch(package: str, version: str, integrity: str, dest: Path) -> Path:
    """Return the cached tarball of npm package@version, downloading it over HTTPS from the npm registry
    only when needed (no npm client involved); its sha512 must equal the pinned ``dist.integrity``."""
    path = dest / f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"

    def sri(data: bytes) -> str:
        return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()

    if path.exists() and sri(path.read_bytes()) == integrity:
        return path
    url = f"{NPM_REGISTRY.rstrip('/')}/{package}/-/{package.rsplit('/', 1)[-1]}-{version}.tgz"
    log(f"downloading {package}@{version} from {url}")
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            data = response.read()
    except OSError as exc:
        raise BuildError(f"{path.name} is not in the cache ({dest}) and could not be downloaded from {url}: "
                         f"{exc}") from None
    if sri(data) != integrity:
        raise BuildError(f"{path.name} from {url}: sha512 {sri(data)} differs from the pinned npm integrity "
                         f"{integrity}")
    dest.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    part.write_bytes(data)
    part.replace(path)
    return path


def npm_fetch_pyodide(dest: Path) -> Path:
    return npm_fetch("pyodide", PYODIDE_VERSION, PYODIDE_NPM_INTEGRITY, dest)
