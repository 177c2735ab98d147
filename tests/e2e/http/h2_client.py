#!/usr/bin/python3
"""HTTP/2 client cases for the e2e suite (tests/e2e/http/h2_e2e_test.cpp).

Each case talks to a running rr (h2c with prior knowledge, or TLS with ALPN h2), prints one JSON
object on stdout and exits 0; the C++ test asserts on the fields. Well-formed exchanges use the
python3-h2 state machine; the attacks write raw frames (hyperframe + hpack) so they can do what
a correct client would not. Every attack case ends with `after`: the status of a fresh GET on a
new connection, i.e. whether the server still serves.

Usage: h2_client.py --port P [--tls --ca CA.pem] [--timeout S] CASE [ARG]
All traffic goes to 127.0.0.1; every read has a deadline.
"""
import argparse
import hashlib
import json
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings
import hpack
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame,
                              PingFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
ARGS = None


def connect():
    s = socket.create_connection(("127.0.0.1", ARGS.port), timeout=ARGS.timeout)
    if ARGS.tls:
        ctx = ssl.create_default_context(cafile=ARGS.ca)
        ctx.set_alpn_protocols(["h2"])
        s = ctx.wrap_socket(s, server_hostname="localhost")
        if s.selected_alpn_protocol() != "h2":
            raise RuntimeError("ALPN did not pick h2")
    return s


def scheme():
    return "https" if ARGS.tls else "http"


def req_headers(path, method="GET", extra=()):
    return [(":method", method), (":path", path), (":scheme", scheme()),
            (":authority", "localhost")] + list(extra)


class Client:
    """A well-behaved HTTP/2 client on python3-h2."""

    def __init__(self, settings=None):
        self.sock = connect()
        self.c = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.c.initiate_connection()
        if settings:
            self.c.update_settings(settings)
        self.streams = {}
        self.goaway = None
        self.closed = False
        self.ack_data = True
        self.error = None
        self.pinged = False
        self.flush()

    def flush(self):
        data = self.c.data_to_send()
        if data:
            self.sock.sendall(data)

    def st(self, sid):
        return self.streams.setdefault(sid, {"status": None, "headers": {}, "data": b"",
                                             "trailers": {}, "interim": [], "ended": False,
                                             "reset": None})

    def request(self, path, method="GET", extra=(), body=None, end=None):
        sid = self.c.get_next_available_stream_id()
        end = body is None if end is None else end
        self.c.send_headers(sid, req_headers(path, method, extra), end_stream=end)
        self.st(sid)
        self.flush()
        if body is not None:
            self.send_body(sid, body)
        return sid

    def send_body(self, sid, body):
        view = memoryview(body)
        while True:
            window = min(self.c.local_flow_control_window(sid), self.c.max_outbound_frame_size)
            if window > 0 and len(view) > 0:
                n = min(window, len(view))
                self.c.send_data(sid, bytes(view[:n]), end_stream=(n == len(view)))
                view = view[n:]
                self.flush()
                if len(view) == 0:
                    return
                continue
            if len(view) == 0:
                self.c.end_stream(sid)
                self.flush()
                return
            self.pump(lambda: self.c.local_flow_control_window(sid) > 0 or self.done(sid), 20)
            if self.done(sid):
                return

    def done(self, sid):
        s = self.streams.get(sid)
        return s is not None and (s["ended"] or s["reset"] is not None)

    def handle(self, events):
        for e in events:
            if isinstance(e, h2.events.ResponseReceived):
                s = self.st(e.stream_id)
                s["headers"] = dict(e.headers)
                s["status"] = int(s["headers"][":status"])
            elif isinstance(e, h2.events.InformationalResponseReceived):
                self.st(e.stream_id)["interim"].append(dict(e.headers))
            elif isinstance(e, h2.events.DataReceived):
                self.st(e.stream_id)["data"] += e.data
                if self.ack_data:
                    self.c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
            elif isinstance(e, h2.events.TrailersReceived):
                self.st(e.stream_id)["trailers"] = dict(e.headers)
            elif isinstance(e, h2.events.StreamEnded):
                self.st(e.stream_id)["ended"] = True
            elif isinstance(e, h2.events.StreamReset):
                self.st(e.stream_id)["reset"] = int(e.error_code)
            elif isinstance(e, h2.events.PingAckReceived):
                self.pinged = True
            elif isinstance(e, h2.events.ConnectionTerminated):
                self.goaway = {"code": int(e.error_code), "last": e.last_stream_id}

    def pump(self, until, seconds):
        deadline = time.time() + seconds
        while not until():
            left = deadline - time.time()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, ssl.SSLError):
                return False
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            if not data:
                self.closed = True
                return until()
            try:
                self.handle(self.c.receive_data(data))
            except h2.exceptions.ProtocolError as e:
                self.error = repr(e)
                return until()
            self.flush()
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def after():
    """A fresh GET on a new connection: is the server still serving?"""
    try:
        c = Client()
        sid = c.request("/after")
        c.pump(lambda: c.done(sid), ARGS.timeout)
        status = c.streams[sid]["status"]
        c.close()
        return status
    except Exception as e:  # noqa: BLE001
        return "error: %s" % e


# --- raw frames ------------------------------------------------------------------------------

class Raw:
    """A connection that writes raw frames and reads whatever comes back."""

    def __init__(self, settings=None):
        self.sock = connect()
        self.sock.sendall(PREFACE + SettingsFrame(0, settings=settings or {}).serialize())
        self.buf = b""
        self.frames = []
        self.goaway = None
        self.closed = False
        self.enc = hpack.Encoder()

    def send(self, *frames):
        try:
            self.sock.sendall(b"".join(f.serialize() if isinstance(f, Frame) else f
                                       for f in frames))
            return True
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.closed = True
            return False

    def headers_block(self, path, method="GET", extra=()):
        return self.enc.encode(req_headers(path, method, extra))

    def read(self, until, seconds):
        deadline = time.time() + seconds
        while not until():
            left = deadline - time.time()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, ssl.SSLError):
                return False
            except (ConnectionResetError, BrokenPipeError, OSError):
                data = b""
            if not data:
                self.closed = True
                return until()
            self.buf += data
            while len(self.buf) >= 9:
                f, length = Frame.parse_frame_header(memoryview(self.buf[:9]))
                if len(self.buf) < 9 + length:
                    break
                f.parse_body(memoryview(self.buf[9:9 + length]))
                self.buf = self.buf[9 + length:]
                self.frames.append(f)
                if isinstance(f, GoAwayFrame):
                    self.goaway = {"code": f.error_code, "last": f.last_stream_id}
                if isinstance(f, SettingsFrame) and "ACK" not in f.flags:
                    self.send(SettingsFrame(0, flags=["ACK"]))
        return True

    def rst_for(self, sid):
        for f in self.frames:
            if isinstance(f, RstStreamFrame) and f.stream_id == sid:
                return f.error_code
        return None

    def status_for(self, sid, dec=None):
        dec = dec or hpack.Decoder()
        for f in self.frames:
            if isinstance(f, HeadersFrame) and f.stream_id == sid:
                return int(dict(dec.decode(f.data)).get(":status", 0))
        return None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- cases -------------------------------------------------------------------------------------

def case_get(arg):
    c = Client()
    sid = c.request(arg or "/get?x=1", extra=[("cookie", "a=1"), ("cookie", "b=2"),
                                             ("x-multi", "one"), ("x-multi", "two")])
    c.pump(lambda: c.done(sid), ARGS.timeout)
    s = c.streams[sid]
    return {"status": s["status"], "body": s["data"].decode("utf-8", "replace"),
            "content_type": s["headers"].get("content-type"), "date": "date" in s["headers"]}


def case_concurrent(arg):
    n = int(arg or 20)
    c = Client()
    sids = [c.request("/c?i=%d" % i) for i in range(n)]
    c.pump(lambda: all(c.done(s) for s in sids), ARGS.timeout * 2)
    out = []
    for i, sid in enumerate(sids):
        s = c.streams[sid]
        body = json.loads(s["data"] or b"null") if s["status"] == 200 else None
        out.append({"status": s["status"], "i": (body or {}).get("query", {}).get("i")})
    return {"streams": out, "ok": all(o["status"] == 200 and o["i"] == str(i)
                                      for i, o in enumerate(out))}


def case_post(arg):
    size = int(arg or 1000000)
    body = bytes((i * 31) % 251 for i in range(size))
    c = Client()
    sid = c.request("/post", "POST", extra=[("content-type", "application/octet-stream")],
                    body=body)
    c.pump(lambda: c.done(sid), ARGS.timeout * 2)
    s = c.streams[sid]
    got = json.loads(s["data"] or b"{}") if s["status"] == 200 else {}
    return {"status": s["status"], "sha1": hashlib.sha1(body).hexdigest(),
            "server_sha1": got.get("body_sha1"), "length": got.get("body_length")}


def case_unknown_length_post(arg):
    """A body without content-length (DATA frames until END_STREAM)."""
    size = int(arg or 300000)
    body = b"u" * size
    c = Client()
    sid = c.request("/chunked", "POST", body=body)
    c.pump(lambda: c.done(sid), ARGS.timeout * 2)
    s = c.streams[sid]
    got = json.loads(s["data"] or b"{}") if s["status"] == 200 else {}
    return {"status": s["status"], "length": got.get("body_length"), "reset": s["reset"]}


def case_hints(_):
    c = Client()
    sid = c.request("/hints")
    c.pump(lambda: c.done(sid), ARGS.timeout)
    s = c.streams[sid]
    return {"interim": s["interim"], "status": s["status"],
            "link_in_final": "link" in s["headers"], "body": s["data"].decode()}


def case_hop(_):
    """python3-h2 validates inbound headers: a connection-specific field would raise."""
    c = Client()
    sid = c.request("/hop")
    c.pump(lambda: c.done(sid), ARGS.timeout)
    s = c.streams[sid]
    return {"status": s["status"], "body": s["data"].decode(), "kept": s["headers"].get("x-kept"),
            "names": sorted(s["headers"])}


def case_trailers(_):
    c = Client()
    sid = c.request("/trailers")
    c.pump(lambda: c.done(sid), ARGS.timeout)
    s = c.streams[sid]
    return {"status": s["status"], "body": s["data"].decode(), "trailers": s["trailers"],
            "announced": s["headers"].get("trailer")}


def case_big(arg):
    size = int(arg or 3000000)
    c = Client()
    sid = c.request("/big?size=%d" % size)
    c.pump(lambda: c.done(sid), ARGS.timeout * 2)
    s = c.streams[sid]
    return {"status": s["status"], "length": len(s["data"]),
            "content_length": s["headers"].get("content-length"),
            "sha1_ok": hashlib.sha1(s["data"]).hexdigest() == s["headers"].get("x-sha1")}


def case_streamed(_):
    """A streamed response: DATA frames as the worker sends them (stream.php /endless until RST)."""
    c = Client()
    sid = c.request("/endless")
    c.pump(lambda: len(c.streams[sid]["data"]) >= 64 * 1024 or c.done(sid), ARGS.timeout)
    got = len(c.streams[sid]["data"])
    c.c.reset_stream(sid, h2.errors.ErrorCodes.CANCEL)
    c.flush()
    # The pool must STOP the worker's stream; /status reports what the worker saw.
    state = None
    deadline = time.time() + ARGS.timeout
    while time.time() < deadline:
        s2 = c.request("/status")
        c.pump(lambda: c.done(s2), ARGS.timeout)
        state = c.streams[s2]["headers"].get("x-last-stream")
        if state == "stopped":
            break
    return {"received": got, "status_after": state, "still_open": not c.closed}


def case_head(_):
    c = Client()
    sid = c.request("/big?size=5000", "HEAD")
    c.pump(lambda: c.done(sid), ARGS.timeout)
    s = c.streams[sid]
    return {"status": s["status"], "length": len(s["data"]),
            "content_length": s["headers"].get("content-length")}


def case_header_too_large(arg):
    size = int(arg or 70000)
    c = Client()
    sid = c.request("/big-header", extra=[("x-big", "v" * size)])
    c.pump(lambda: c.done(sid), ARGS.timeout)
    s = c.streams[sid]
    s2 = c.request("/next")  # the connection goes on
    c.pump(lambda: c.done(s2), ARGS.timeout)
    return {"status": s["status"], "reset": s["reset"], "next": c.streams[s2]["status"],
            "after": after()}


def case_body_too_large(arg):
    limit = int(arg or 1048576)
    c = Client()
    sid = c.request("/declared", "POST", extra=[("content-length", str(limit + 1))], end=False)
    c.pump(lambda: c.done(sid), ARGS.timeout)
    declared = c.streams[sid]["status"]
    sid2 = c.request("/undeclared", "POST", end=False)
    try:
        c.send_body(sid2, b"x" * (limit + 100000))
    except Exception:  # noqa: BLE001  (the server may reset the stream mid-body)
        pass
    c.pump(lambda: c.done(sid2), ARGS.timeout)
    return {"declared": declared, "undeclared": c.streams[sid2]["status"],
            "undeclared_reset": c.streams[sid2]["reset"], "error": c.error, "after": after()}


def case_hpack_bomb(_):
    r = Raw()
    big = "a" * 4000
    first = r.enc.encode(req_headers("/bomb", extra=[("x-bomb", big)]))  # indexed: entry 62
    r.send(HeadersFrame(1, first, flags=["END_HEADERS", "END_STREAM"]))
    # A 16 KiB header block of 1-byte references to that 4 KB entry: 64 MB decoded.
    block = r.enc.encode(req_headers("/bomb2")) + b"\xbe" * 16000
    t0 = time.time()
    r.send(HeadersFrame(3, block, flags=["END_HEADERS", "END_STREAM"]))
    r.read(lambda: r.rst_for(3) is not None or r.status_for(3) is not None or r.goaway
           or r.closed, ARGS.timeout)
    dec = hpack.Decoder()
    return {"rst": r.rst_for(3), "status": r.status_for(3, dec) if r.rst_for(3) is None else None,
            "goaway": r.goaway, "seconds": round(time.time() - t0, 3), "after": after()}


def case_rapid_reset(arg):
    n = int(arg or 5000)
    r = Raw()
    sent = 0
    t0 = time.time()
    for i in range(n):
        sid = 1 + 2 * i
        block = r.headers_block("/rr?i=%d" % i)
        if not r.send(HeadersFrame(sid, block, flags=["END_HEADERS", "END_STREAM"]),
                      RstStreamFrame(sid, error_code=8)):
            break
        sent += 1
        if r.goaway or r.closed:
            break
        if i % 50 == 0:
            r.read(lambda: False, 0.001)
            if r.goaway or r.closed:
                break
    r.read(lambda: r.goaway is not None or r.closed, ARGS.timeout)
    return {"sent": sent, "goaway": r.goaway, "closed": r.closed,
            "seconds": round(time.time() - t0, 3), "after": after()}


def case_continuation_flood(arg):
    n = int(arg or 10000)
    r = Raw()
    block = r.headers_block("/cont")
    r.send(HeadersFrame(1, block, flags=["END_STREAM"]))  # no END_HEADERS
    sent = 0
    piece = hpack.Encoder().encode([("x-c", "c" * 100)])
    for _ in range(n):
        if not r.send(ContinuationFrame(1, piece)):
            break
        sent += 1
        if r.goaway or r.closed:
            break
        if sent % 200 == 0:
            r.read(lambda: False, 0.001)
            if r.goaway or r.closed:
                break
    r.read(lambda: r.goaway is not None or r.closed, ARGS.timeout)
    return {"sent": sent, "goaway": r.goaway, "closed": r.closed, "after": after()}


def case_control_flood(kind):
    n = 20000
    r = Raw()
    if kind == "empty_data":
        r.send(HeadersFrame(1, r.headers_block("/f", "POST"), flags=["END_HEADERS"]))
    sent = 0
    for i in range(n):
        if kind == "settings":
            f = SettingsFrame(0, settings={SettingsFrame.MAX_CONCURRENT_STREAMS: 100})
        elif kind == "ping":
            f = PingFrame(0, opaque_data=i.to_bytes(8, "big"))
        elif kind == "window_update":
            f = WindowUpdateFrame(0, window_increment=1)
        else:
            f = DataFrame(1, b"")
        if not r.send(f):
            break
        sent += 1
        if i % 500 == 0:
            r.read(lambda: False, 0.001)
            if r.goaway or r.closed:
                break
    r.read(lambda: r.goaway is not None or r.closed, ARGS.timeout)
    return {"sent": sent, "goaway": r.goaway, "closed": r.closed, "after": after()}


def case_zero_window(arg):
    size = int(arg or 1000000)
    c = Client(settings={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
    c.ack_data = False
    sid = c.request("/big?size=%d" % size)
    t0 = time.time()
    c.pump(lambda: c.done(sid), ARGS.timeout)
    s = c.streams[sid]
    return {"status": s["status"], "reset": s["reset"], "received": len(s["data"]),
            "seconds": round(time.time() - t0, 3), "after": after()}


def case_ping_keepalive(arg):
    """A connection that never opens a stream but sends a PING every 0.25 s: how long until the
    server closes it (idle_timeout counts from the last request, not the last byte)."""
    limit = float(arg or 10)
    r = Raw()
    t0 = time.time()
    i = 0
    while time.time() - t0 < limit and not r.closed and r.goaway is None:
        if not r.send(PingFrame(0, opaque_data=i.to_bytes(8, "big"))):
            break
        i += 1
        r.read(lambda: False, 0.25)
    r.read(lambda: r.closed, 2)
    return {"seconds": round(time.time() - t0, 3), "pings": i, "closed": r.closed,
            "goaway": r.goaway, "after": after()}


def case_stream_id_max(_):
    r = Raw()
    top = 2 ** 31 - 1
    r.send(HeadersFrame(top, r.headers_block("/top"), flags=["END_HEADERS", "END_STREAM"]))
    r.read(lambda: any(isinstance(f, DataFrame) and f.stream_id == top and "END_STREAM" in f.flags
                       for f in r.frames) or r.closed, ARGS.timeout)
    dec = hpack.Decoder()
    top_status = r.status_for(top, dec)
    # The id space is used up: a lower id opens nothing (nghttp2 ignores it rather than
    # failing the connection); the client has to use a new connection.
    r.send(HeadersFrame(3, r.headers_block("/low"), flags=["END_HEADERS", "END_STREAM"]))
    r.read(lambda: r.goaway is not None or r.closed or r.status_for(3) is not None, 2)
    return {"top_status": top_status, "low_status": r.status_for(3), "goaway": r.goaway,
            "after": after()}


def case_goaway_on_stop(arg):
    """Opens /wait?fifo=ARG, prints "ready", then expects a GOAWAY while the request is in
    flight and still gets its response (the test releases the FIFO after seeing the GOAWAY).
    Raw frames: python3-h2 stops processing frames after a GOAWAY."""
    r = Raw()
    r.send(HeadersFrame(1, r.headers_block("/wait?fifo=" + arg), flags=["END_HEADERS",
                                                                         "END_STREAM"]),
           PingFrame(0, opaque_data=b"rr-ready"))
    # Frames are processed in order: once the PING is answered the request has been dispatched.
    r.read(lambda: any(isinstance(f, PingFrame) and "ACK" in f.flags for f in r.frames),
           ARGS.timeout)
    print("ready", flush=True)
    got_goaway = r.read(lambda: r.goaway is not None, ARGS.timeout * 2)
    print("goaway", flush=True)
    r.read(lambda: any(isinstance(f, DataFrame) and f.stream_id == 1 and "END_STREAM" in f.flags
                       for f in r.frames) or r.closed, ARGS.timeout * 2)
    body = b"".join(f.data for f in r.frames if isinstance(f, DataFrame) and f.stream_id == 1)
    status = r.status_for(1)
    r.read(lambda: r.closed, ARGS.timeout)
    return {"goaway": r.goaway if got_goaway else None, "status": status,
            "body": body.decode(), "closed": r.closed}


CASES = {
    "get": case_get, "concurrent": case_concurrent, "post": case_post,
    "unknown_length_post": case_unknown_length_post, "hints": case_hints,
    "trailers": case_trailers, "hop": case_hop, "big": case_big, "streamed": case_streamed, "head": case_head,
    "header_too_large": case_header_too_large, "body_too_large": case_body_too_large,
    "hpack_bomb": case_hpack_bomb, "rapid_reset": case_rapid_reset,
    "continuation_flood": case_continuation_flood,
    "settings_flood": lambda a: case_control_flood("settings"),
    "ping_flood": lambda a: case_control_flood("ping"),
    "window_update_flood": lambda a: case_control_flood("window_update"),
    "empty_data_flood": lambda a: case_control_flood("empty_data"),
    "zero_window": case_zero_window, "ping_keepalive": case_ping_keepalive,
    "stream_id_max": case_stream_id_max,
    "goaway_on_stop": case_goaway_on_stop,
}


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls", action="store_true")
    p.add_argument("--ca")
    p.add_argument("--timeout", type=float, default=15)
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("arg", nargs="?")
    ARGS = p.parse_args()
    print(json.dumps(CASES[ARGS.case](ARGS.arg)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
