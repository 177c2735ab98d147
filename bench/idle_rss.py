#!/usr/bin/env python3
"""RSS of a server process with N idle keep-alive connections (issue 6 target: rr <= 30 MiB).

Opens N connections to 127.0.0.1:PORT, sends one keep-alive GET on each and reads its answer
(so every connection has been through the request path once), then holds them idle and reads
VmRSS of PID from /proc. Prints one JSON object: rss before, with the connections, and after
they were closed, in KiB.

Usage: idle_rss.py --port P --pid PID [--connections 1000] [--path /]
"""

import argparse
import json
import selectors
import socket
import sys
import time


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--path", default="/")
    ap.add_argument("--deadline", type=float, default=30.0, help="seconds for all answers")
    args = ap.parse_args()

    before = rss_kib(args.pid)
    request = (f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").encode()
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(args.connections):
        s = socket.create_connection(("127.0.0.1", args.port))
        s.sendall(request)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, bytearray())
        socks.append(s)

    # An answer is complete when the head has arrived and Content-Length bytes follow it.
    pending = len(socks)
    deadline = time.monotonic() + args.deadline
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            buf = key.data
            chunk = key.fileobj.recv(65536)
            if not chunk:
                raise RuntimeError("server closed a keep-alive connection")
            buf += chunk
            head_end = buf.find(b"\r\n\r\n")
            if head_end < 0:
                continue
            length = 0
            for line in bytes(buf[:head_end]).split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if len(buf) >= head_end + 4 + length:
                sel.unregister(key.fileobj)
                pending -= 1
    if pending:
        raise RuntimeError(f"{pending} connections got no answer before the deadline")

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
    print(json.dumps({"connections": args.connections, "rss_before_kib": before,
                      "rss_idle_kib": held, "rss_after_close_kib": after}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
