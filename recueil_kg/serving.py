"""`recueil-kg serve`: the app under Granian, a production HTTP server written in Rust.

Granian parses HTTP and holds the connections outside Python; each of its RECUEIL_PROCESSES
processes builds the app with `create_app()` and calls it from RECUEIL_THREADS threads. The
command line's choices reach those processes as RECUEIL_* environment variables, the one way
the app reads its settings. The settings are checked and the store built (or found current)
here, once, before any process starts, so that a mistake is reported once and plainly and the
processes never race to build the store.
"""
from __future__ import annotations

import os
import socket
import sys

from . import config as config_mod
from .errors import RecueilError


def prepare(overrides: dict) -> dict:
    """Put `overrides` into the environment the server processes inherit, check the settings and
    make sure the embedded store exists (its path joins that environment); return the settings."""
    for key, value in overrides.items():
        os.environ[f"RECUEIL_{key}"] = str(value)
    cfg = config_mod.load()
    for key, low, high in (("PORT", 0, 65535), ("PROCESSES", 1, 256), ("THREADS", 1, 1024), ("WORKERS", 1, 256)):
        if not low <= cfg[key] <= high:
            raise RecueilError(f"expected a number from {low} to {high}, not {cfg[key]}", where=f"RECUEIL_{key}")
    if cfg["STORE"] == "embedded":
        from .store import served_store

        # the processes serve this very store: none of them fingerprints the sources or builds again
        os.environ["RECUEIL_STORE_PATH"] = str(served_store(cfg))
    _check_address(cfg["HOST"], cfg["PORT"])
    return cfg


def _check_address(host: str, port: int) -> None:
    """Fail early and plainly when the address cannot be listened on (Granian would end in a Rust backtrace)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise RecueilError(f"cannot resolve the address to listen on: {e.strerror}", where=f"RECUEIL_HOST={host}") from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise RecueilError(f"cannot listen on {host}:{port}: {e.strerror}", where="RECUEIL_HOST/RECUEIL_PORT") from None


def app():
    """The factory each server process calls: the app, or a plain message and exit when it cannot be built.
    The process ends with Granian's main process, even when that one is killed outright (Granian's own
    processes would otherwise go on serving the port, orphaned, with their query workers)."""
    from .app import create_app
    from .workers import exit_with_parent

    exit_with_parent()
    try:
        return create_app()
    except RecueilError as e:
        print(f"[ERROR] {e}", file=sys.stderr)
        raise SystemExit(2) from None


def serve(overrides: dict) -> int:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    cfg = prepare(overrides)
    print(f"recueil-kg on http://{cfg['HOST']}:{cfg['PORT']}/ (store {cfg['STORE']}, deadline {cfg['DEADLINE']:g} s, "
          f"row cap {cfg['ROW_CAP']}, {cfg['PROCESSES']} processes × {cfg['THREADS']} threads)", file=sys.stderr)
    server = Server(
        "recueil_kg.serving:app",
        factory=True,
        interface=Interfaces.WSGI,
        address=cfg["HOST"],
        port=cfg["PORT"],
        workers=cfg["PROCESSES"],
        blocking_threads=cfg["THREADS"],
        websockets=False,
        log_level=LogLevels.warning,
        respawn_failed_workers=True,
        workers_kill_timeout=10,
    )
    try:
        server.serve()
    except RuntimeError as e:  # what Granian raises when it cannot start (e.g. the socket)
        raise RecueilError(f"the server could not start: {str(e).splitlines()[0]}") from None
    return 0
