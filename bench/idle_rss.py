#!/usr/bin/env python3
"""RSS of a server process with N idle keep-alive connections (issue 16 target: rr <= 64 MiB
with 10,000; issue 6: <= 30 MiB with 1,000).

Opens N connections to 127.0.0.1:PORT, makes each one go through the request path (one
keep-alive GET over HTTP/1.1 (h1, or h1-tls over TLS), or, with --proto h2, the HTTP/2 preface
and --streams GETs on streams 1, 3, 5, ... over TLS with ALPN h2; --proto h2c sends the same in
cleartext, by prior knowledge: rr needs http.http2.h2c: true), reads every answer, then holds the connections
idle for --hold seconds and reads VmRSS of PID from /proc. Prints one JSON object: RSS before, with the
connections, and after they were closed, in KiB. With --proto h2 against a server that does
not negotiate h2, prints {"skipped": "..."} and exits 0.

Usage: idle_rss.py --port P --pid PID [--connections 1000] [--path /]
                   [--proto h1|h1-tls|h2|h2c] [--streams 4] [--hold 3] [--batch 200]
Raise the open-file limit first for large N (ulimit -n 65536), for this script and the server.
"""

import argparse
import json
import selectors
import socket
import ssl
import struct
import sys
import time


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def h1_done(buf: bytearray) -> bool:
    """An answer is complete when the head has arrived and Content-Length bytes follow it."""
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    length = 0
    for line in bytes(buf[:head_end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return len(buf) >= head_end + 4 + length


def h2_frame(ftype: int, flags: int, stream: int, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(
        ">I", stream) + payload


def h2_request(streams: int, path: str, tls: bool = True) -> bytes:
    """Preface, empty SETTINGS, and `streams` GETs (HPACK: indexed :method GET, :scheme https
    (http without TLS),
    literal :path and :authority with indexed names, no Huffman)."""
    out = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(4, 0, 0, b"")
    p = path.encode()
    a = b"127.0.0.1"
    block = (b"\x82\x87" if tls else b"\x82\x86") + b"\x04" + bytes([len(p)]) + p + b"\x01" + bytes([len(a)]) + a
    for i in range(streams):
        out += h2_frame(1, 0x05, 1 + 2 * i, block)  # END_STREAM | END_HEADERS
    return out


class H2State:
    """Counts streams ended by the server; ACKs its SETTINGS."""

    def __init__(self, streams: int):
        self.buf = bytearray()
        self.left = streams
        self.acks = b""

    def feed(self, chunk: bytes) -> None:
        self.buf += chunk
        while len(self.buf) >= 9:
            length = int.from_bytes(self.buf[0:3], "big")
            if len(self.buf) < 9 + length:
                return
            ftype, flags = self.buf[3], self.buf[4]
            stream = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
            del self.buf[: 9 + length]
            if ftype == 4 and not flags & 1:
                self.acks += h2_frame(4, 1, 0, b"")
            elif ftype in (0, 1) and flags & 1 and stream:
                self.left -= 1
            elif ftype == 7:
                raise RuntimeError("server sent GOAWAY")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--path", default="/")
    ap.add_argument("--proto", choices=["h1", "h1-tls", "h2", "h2c"], default="h1")
    ap.add_argument("--streams", type=int, default=4, help="h2: requests per connection")
    ap.add_argument("--deadline", type=float, default=120.0, help="seconds for all answers")
    ap.add_argument("--batch", type=int, default=200,
                    help="connections opened (and answered) at a time")
    ap.add_argument("--hold", type=float, default=3.0,
                    help="seconds the connections stay idle before RSS is read (rr parks idle "
                         "connections after 1 s: docs/http.md, Memory)")
    args = ap.parse_args()

    ctx = None
    if args.proto in ("h1-tls", "h2"):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_alpn_protocols(["h2"] if args.proto == "h2" else ["http/1.1"])

    before = rss_kib(args.pid)
    sel = selectors.DefaultSelector()
    socks = []
    deadline = time.monotonic() + args.deadline
    # Clients arrive in batches (each batch answered before the next connects), as idle
    # keep-alive clients accumulate in practice: a burst of 10,000 simultaneous requests would
    # instead measure the high-water mark of 10,000 queued jobs left in the allocator.
    while len(socks) < args.connections:
        batch = min(args.batch, args.connections - len(socks))
        for _ in range(batch):
            s = socket.create_connection(("127.0.0.1", args.port), timeout=10)
            if ctx:
                s = ctx.wrap_socket(s)
            if args.proto in ("h2", "h2c"):
                if args.proto == "h2" and s.selected_alpn_protocol() != "h2":
                    print(json.dumps({"skipped": "the server did not negotiate h2 (ALPN: "
                                      f"{s.selected_alpn_protocol()})", "proto": "h2"}))
                    return 0
                s.sendall(h2_request(args.streams, args.path, args.proto == "h2"))
                state = H2State(args.streams)
            else:
                s.sendall(f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                state = bytearray()
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, state)
            socks.append(s)
        pending = batch
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.5):
                try:
                    chunk = key.fileobj.recv(65536)
                except (ssl.SSLWantReadError, BlockingIOError):
                    continue
                if not chunk:
                    raise RuntimeError("server closed a keep-alive connection")
                st = key.data
                if isinstance(st, H2State):
                    st.feed(chunk)
                    if st.acks:
                        key.fileobj.setblocking(True)
                        key.fileobj.sendall(st.acks)
                        key.fileobj.setblocking(False)
                        st.acks = b""
                    done = st.left <= 0
                else:
                    st += chunk
                    done = h1_done(st)
                if done:
                    sel.unregister(key.fileobj)
                    pending -= 1
        if pending:
            raise RuntimeError(f"{pending} connections got no answer before the deadline")

    answered = rss_kib(args.pid)
    time.sleep(args.hold)  # the measured state itself: connections idle for this long
    held = rss_kib(args.pid)
    for s in socks:
        s.close()
    # Let the server notice the closes (bounded wait on a condition, not a fixed sleep).
    end = time.monotonic() + 5
    after = rss_kib(args.pid)
    while time.monotonic() < end:
        time.sleep(0.1)
        now = rss_kib(args.pid)
        if now == after:
            break
        after = now
    print(json.dumps({"connections": args.connections, "proto": args.proto, "batch": args.batch,
                      "streams": args.streams if args.proto in ("h2", "h2c") else 1,
                      "rss_before_kib": before, "rss_answered_kib": answered,
                      "hold_s": args.hold, "rss_idle_kib": held,
                      "rss_after_close_kib": after}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
