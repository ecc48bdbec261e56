"""`recueil-kg serve` as a service manager runs it: Granian's processes, their query workers, and
the limits and deadline enforced through the real HTTP server rather than Flask's test client.

The W3C protocol table (test_protocol.py), the SPARQL clients (test_clients.py) and the browser
(test_browser.py) also run against this command; here are what only the command itself can show:
its start (settings checked, mistakes named), its stop (no process left behind) and its limits.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from .live import ROOT, LiveServer, free_port

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TRIVIAL = "ASK {}"


@pytest.fixture(scope="module")
def store_path(app):
    return app.extensions["recueil"]["backend"].path


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def get(server: LiveServer, query: str, timeout: float = 60.0):
    return server.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                          headers={"Accept": "application/sparql-results+json"}, timeout=timeout)


def test_serve_answers_and_says_how_it_runs(live_site):
    reply = get(live_site, "PREFIX rkg: <https://w3id.org/recueil-kg/def#> SELECT (COUNT(*) AS ?n) WHERE { ?e a rkg:Experience }")
    assert reply.status == 200
    assert '"value":"17"' in reply.text().replace(" ", "")
    assert live_site.request("GET", "/queries/experiences-by-theme.json").status == 200
    assert "processes ×" in live_site.output() and f":{live_site.port}/" in live_site.output()


def test_a_runaway_query_is_stopped_while_a_trivial_one_answers(store_path):
    server = LiveServer({"STORE_PATH": store_path, "DEADLINE": 2, "PROCESSES": 1, "CACHE_BYTES": 0})
    try:
        slow: dict = {}
        t = threading.Thread(target=lambda: slow.update(reply=get(server, RUNAWAY)))
        t.start()
        time.sleep(0.5)  # let the runaway query reach a worker
        quick = get(server, TRIVIAL)
        assert quick.status == 200 and t.is_alive(), "the trivial query should answer while the runaway one runs"
        t.join(30)
        assert slow["reply"].status == 503
        assert "deadline" in slow["reply"].text()
        assert get(server, TRIVIAL).status == 200  # the stopped worker was replaced
    finally:
        server.stop()


def test_size_limits_hold_through_the_http_server(live_site):
    long_url = live_site.request("GET", "/sparql?query=" + "A" * 20_000)
    assert long_url.status == 414 and "POST" in long_url.text()
    huge_url = live_site.request("GET", "/sparql?query=" + "A" * 2_000_000)
    assert huge_url.status in (414, 431)  # Granian refuses headers past its buffer before the app sees them
    big_body = live_site.request("POST", "/sparql", body=b"query=" + b"A" * 200_000,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big_body.status == 413


def test_stopping_the_server_stops_every_process_it_started(store_path):
    server = LiveServer({"STORE_PATH": store_path})
    started = server.descendants()
    assert len(started) >= 4  # two HTTP processes, each with its query workers
    assert server.stop() == 0
    assert [p for p in started if alive(p)] == []


def test_killing_the_server_outright_leaves_no_orphan(store_path):
    server = LiveServer({"STORE_PATH": store_path, "PROCESSES": 1})
    started = server.descendants()
    os.kill(server.process.pid, 9)
    server.process.wait(10)
    for _ in range(100):  # each process watches its parent every 0.5 s
        if not any(alive(p) for p in started):
            break
        time.sleep(0.1)
    left = [p for p in started if alive(p)]
    for p in left:
        os.kill(p, 9)
    assert left == []


@pytest.mark.parametrize("settings, named", [
    ({"RECUEIL_PORT": "eighty"}, "RECUEIL_PORT: expected an integer, not 'eighty'"),
    ({"RECUEIL_STORE_PATH": "/nonexistent/store"}, "RECUEIL_STORE_PATH=/nonexistent/store: not a store directory"),
    ({"RECUEIL_STORE": "cloud"}, "RECUEIL_STORE: expected 'embedded' or 'remote'"),
    ({"RECUEIL_DEADLINE": "soon"}, "RECUEIL_DEADLINE: expected a number"),
    ({"RECUEIL_PORT": "70000"}, "RECUEIL_PORT: expected a number from 0 to 65535, not 70000"),
    ({"RECUEIL_PROCESSES": "0"}, "RECUEIL_PROCESSES: expected a number from 1 to 256, not 0"),
], ids=["port", "store-path", "store", "deadline", "port-range", "processes"])
def test_a_bad_setting_is_named_and_nothing_starts(settings, named):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUEIL_")}
    done = subprocess.run([sys.executable, "-m", "recueil_kg", "--root", str(ROOT), "serve"], env={**env, **settings},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert named in done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_named(store_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECUEIL_")}
        done = subprocess.run([sys.executable, "-m", "recueil_kg", "--root", str(ROOT), "serve", "--port", str(port)],
                              env={**env, "RECUEIL_STORE_PATH": str(store_path)}, capture_output=True, text=True, timeout=120,
                              check=False)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_the_server_processes_are_given_the_store_prepared_once(app, monkeypatch):
    """`serve` builds or checks build/store before any process starts and hands them its path, so that
    none of them fingerprints the sources or builds the store again."""
    from recueil_kg.serving import prepare

    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUEIL_")}
    monkeypatch.setattr(os, "environ", env)  # what prepare writes stays in this copy
    cfg = prepare({"ROOT": str(ROOT), "PORT": free_port()})
    assert env["RECUEIL_STORE_PATH"] == str(app.extensions["recueil"]["backend"].path) == str(cfg["BUILD_DIR"] / "store")
