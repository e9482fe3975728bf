#!/usr/bin/python3
"""A lean HTTP/1.1 server for the benchmark: it asks the fake server once for each distinct
request (method, path with query, body) and from then on answers from memory, from one thread
with non-blocking sockets. The fakes in tests/integration spend about 0.18 ms of CPU on each
answer in one Python process, which at 50 targets is most of what alimi waits for; replaying
their answers measures the tools instead of the fake, with the very same bytes.

Usage: replay.py UPSTREAM_PORT    (prints "PORT\\n" once it listens on 127.0.0.1)"""
import selectors
import socket
import sys
import urllib.error
import urllib.request

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}


class Replay:
    def __init__(self, upstream_port):
        self.upstream = f"http://127.0.0.1:{upstream_port}"
        self.answers = {}  # (method, target, body) -> the whole response, ready to send
        self.sel = selectors.DefaultSelector()
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.listener.setblocking(False)
        self.sel.register(self.listener, selectors.EVENT_READ, None)

    def port(self):
        return self.listener.getsockname()[1]

    def fetch(self, method, target, headers, body):
        """Asks the fake once; its status, headers and body become the stored answer."""
        req = urllib.request.Request(self.upstream + target, data=body if method != "GET" else None,
                                     method=method, headers={k: v for k, v in headers.items() if k not in HOP_BY_HOP})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, reason, hdrs, payload = r.status, r.reason, r.getheaders(), r.read()
        except urllib.error.HTTPError as e:
            status, reason, hdrs, payload = e.code, e.reason, e.headers.items(), e.read()
        head = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in hdrs if k.lower() not in HOP_BY_HOP]
        head.append(f"Content-Length: {len(payload)}")
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload

    def answer(self, raw_head, body):
        lines = raw_head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        key = (method, target, body)
        if key not in self.answers:
            self.answers[key] = self.fetch(method, target, headers, body)
        return self.answers[key], headers.get("connection", "").lower() == "close"

    def serve_forever(self):
        while True:
            for key, _ in self.sel.select():
                if key.data is None:
                    self.accept()
                else:
                    self.read(key.fileobj, key.data)

    def accept(self):
        try:
            conn, _ = self.listener.accept()
        except BlockingIOError:
            return
        conn.setblocking(False)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sel.register(conn, selectors.EVENT_READ, bytearray())

    def read(self, conn, buf):
        try:
            chunk = conn.recv(65536)
        except BlockingIOError:
            return
        except ConnectionError:
            chunk = b""
        if not chunk:
            self.sel.unregister(conn)
            conn.close()
            return
        buf += chunk
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            fields = {name.strip().lower(): value.strip() for name, _, value in
                      (line.partition(b":") for line in head.split(b"\r\n")[1:])}
            length = int(fields.get(b"content-length", 0))
            if len(buf) < end + 4 + length:
                if fields.get(b"expect", b"").lower() == b"100-continue" and len(buf) == end + 4:
                    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")  # else curl waits a second for it
                return
            body = bytes(buf[end + 4:end + 4 + length])
            del buf[:end + 4 + length]
            response, close = self.answer(head, body)
            conn.setblocking(True)  # answers are small: one blocking send, then back to the loop
            conn.sendall(response)
            conn.setblocking(False)
            if close:
                self.sel.unregister(conn)
                conn.close()
                return


def main():
    server = Replay(int(sys.argv[1]))
    print(server.port(), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
