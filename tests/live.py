"""A live HTTP server for end-to-end tests: the Flask app under waitress on 127.0.0.1, in a background thread.

The port is chosen by the operating system (port 0), so parallel runs never collide. Raw requests go
through http.client, which sends exactly the method, headers and body it is given (urllib would add
a form Content-Type to every POST, which several protocol cases must not have).
"""
from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass

import waitress


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def media(self) -> str:
        """The media type of the Content-Type header, without parameters, lower-cased."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        return self.body.decode("utf-8")


class LiveServer:
    def __init__(self, app, threads: int = 4):
        self.app = app
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads, ident="recueil-kg-test")
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, name=f"waitress-{self.port}", daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def request(self, method: str, target: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 60.0) -> Reply:
        """Send one request; `target` is the path with its (already encoded) query string."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop serving: finish the running tasks, then close every socket from inside the loop thread."""
        srv = self.server

        def close_everything():
            for channel in list(srv._map.values()):
                if channel is not srv and channel is not srv.trigger:
                    channel.close()
            srv.close()  # the listening socket and the trigger; the loop ends once its map is empty

        srv.task_dispatcher.shutdown(timeout=5)
        srv.trigger.pull_trigger(close_everything)
        self.thread.join(10)
