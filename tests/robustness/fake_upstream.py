"""A fake public API over real HTTP on 127.0.0.1, switchable per path prefix between failure
modes: ``json`` (a normal answer), ``down`` (connection closed at once), ``slow`` (answers after
a long pause), ``drip_headers`` / ``drip_body`` (one byte every 0.1 s), ``huge`` (a body far
above the size cap, streamed), ``garbage`` (not JSON). Every loop is bounded in time and stops
when the client hangs up."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time

MAX_SECONDS = 20.0


class FakeUpstream:
    def __init__(self):
        self.routes: dict[str, tuple] = {}
        self.failures: dict[str, tuple] = {}
        self.requests: list[str] = []
        upstream = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                upstream._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, prefix: str, mode: str, payload=None) -> None:
        self.routes[prefix] = (mode, payload)

    def fail(self, prefix: str, mode: str) -> None:
        """Every path under ``prefix`` answers in ``mode``, whatever its own route says."""
        self.failures[prefix] = (mode, None)

    def _behaviour(self, path: str):
        for table in (self.failures, self.routes):
            best = max((p for p in table if path.startswith(p)), key=len, default=None)
            if best:
                return table[best]
        return ("json", {})

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(MAX_SECONDS)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        path = data.split(b" ", 2)[1].decode("latin-1") if data.count(b" ") >= 2 else "/"
        self.requests.append(path)
        mode, payload = self._behaviour(path)
        try:
            if mode == "down":
                return
            if mode == "slow":
                time.sleep(payload or 5)
                self._send(conn, 200, json.dumps({}).encode())
            elif mode == "drip_headers":
                self._drip(
                    conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Pad: a\r\n" * 500
                )
            elif mode == "drip_body":
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                )
                self._drip(conn, b'{"features": [' + b" " * 99_000)
            elif mode == "huge":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
                deadline = time.monotonic() + MAX_SECONDS
                conn.sendall(b'{"features": [')
                while time.monotonic() < deadline:
                    conn.sendall(b'{"type": "Feature", "properties": {}},' * 1000)
            elif mode == "garbage":
                self._send(conn, 200, b"\x00\xff<html>pas du json" * 100)
            else:
                self._send(conn, 200, json.dumps(payload).encode())
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    @staticmethod
    def _send(conn, status: int, body: bytes) -> None:
        conn.sendall(
            f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + body
        )

    @staticmethod
    def _drip(conn, data: bytes) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        for byte in data:
            if time.monotonic() > deadline:
                return
            conn.sendall(bytes([byte]))
            time.sleep(0.1)
