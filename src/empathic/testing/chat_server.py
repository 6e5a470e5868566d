"""A real OpenAI-compatible chat-completions server on 127.0.0.1, for testing the ``openai`` backend offline.

It answers ``POST /v1/chat/completions`` with any handler (``request dict -> response dict``),
e.g. :meth:`empathic.narrate.local.LocalLLM.chat_completions` (llama.cpp's own handler), and keeps
every request body it received, so a test can check what reached the endpoint (scrubbing).

>>> reply = {"choices": [{"message": {"role": "assistant", "content": "hi"}}]}
>>> with ChatServer(lambda request: reply, api_key="k") as server:
...     from empathic.narrate.openai import OpenAILLM
...     OpenAILLM(base_url=server.base_url, model="m", api_key="k").complete([{"role": "user", "content": "a@b.io"}])
...     server.requests[0]["messages"][0]["content"]
'hi'
'[email]'
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class ChatServer:
    """Context manager: serves ``handler`` at ``base_url`` (``http://127.0.0.1:PORT/v1``) in a thread."""

    def __init__(self, handler: Handler, *, api_key: str | None = None, status: int = 200) -> None:
        self.handler = handler
        self.api_key = api_key
        self.status = status
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start the server first (use it as a context manager)"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> ChatServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _send(self, code: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(request)
                server.headers.append(dict(self.headers))
                if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    self._send(401, {"error": {"message": "invalid api key"}})
                    return
                if server.status != 200:
                    self._send(server.status, {"error": {"message": "server error"}})
                    return
                self._send(200, server.handler(request))

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
