"""``make serve-site``: the built browser edition, served to this computer or to a room.

    python -m helpers.classroom.serve --site site [--port 8000] [--bind 127.0.0.1]

``--bind 0.0.0.0`` serves the local network (a travel router or the school Wi-Fi); the addresses
learners can open are printed. Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import argparse
import contextlib
import socket
import sys
from pathlib import Path

import tornado.httpserver
import tornado.ioloop
import tornado.web

from .static import site_routes

__all__ = ["make_app", "local_addresses", "main"]


def make_app(site: Path) -> tornado.web.Application:
    return tornado.web.Application(site_routes(site))


def local_addresses() -> list[str]:
    """This computer's IPv4 addresses on its networks (what learners in the room type), loopback last."""
    found = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))          # no packet is sent: only picks the outgoing interface
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        found.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    return sorted(a for a in found if not a.startswith("127.")) + ["127.0.0.1"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"No site in {args.site}/: run make site (or make site OFFLINE=1) first.", file=sys.stderr)
        return 1
    server = tornado.httpserver.HTTPServer(make_app(args.site), idle_connection_timeout=120)
    try:
        server.listen(args.port, address=args.bind)
    except OSError as error:
        print(f"Cannot listen on {args.bind}:{args.port} ({error.strerror}): choose another port with "
              f"SITE_PORT=...", file=sys.stderr)
        return 1
    hosts = local_addresses() if args.bind in ("0.0.0.0", "") else [args.bind]
    print(f"Serving {args.site}/ (Ctrl+C stops). Open:", flush=True)
    for host in hosts:
        print(f"  http://{host}:{args.port}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        tornado.ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
