#!/usr/bin/python3
"""Raw HTTP/2 frames for the conformance run (conformance.py): frame builders, a literal
HPACK encoder that lower-cases nothing, a connection that records every frame the server sends,
and the expectations (connection error, stream error, malformed request, still alive, response).

Set h2raw.ARGS (host, port, tls, ca, timeout) before opening a Conn."""
import socket
import ssl
import struct
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Frame types (§6) and flags.
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, \
    CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS, PADDED, PRIO = 0x1, 0x1, 0x4, 0x8, 0x20

# Error codes (§7).
NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, STREAM_CLOSED, \
    FRAME_SIZE_ERROR, REFUSED_STREAM, CANCEL, COMPRESSION_ERROR = range(10)

ARGS = None
DEVIATION = "deviation"  # a case result: the MUST is not met in a known, documented way


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", sid & 0xFFFFFFFF) + payload


def settings(*pairs, ack=False):
    return frame(SETTINGS, ACK if ack else 0, 0, b"".join(struct.pack(">HI", k, v)
                                                          for k, v in pairs))


def ping(data=b"conform!", ack=False):
    return frame(PING, ACK if ack else 0, 0, data)


def window_update(sid, inc):
    return frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", inc))


def rst(sid, code=CANCEL):
    return frame(RST_STREAM, 0, sid, struct.pack(">I", code))


def hpack_int(value, prefix_bits, first=0):
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = [first | limit]
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def lit(name, value):
    """A literal field without indexing, new name (RFC 7541 §6.2.2); no lower-casing."""
    n, v = name.encode(), value.encode()
    return b"\x00" + hpack_int(len(n), 7) + n + hpack_int(len(v), 7) + v


def request_block(path="/", method="GET", extra=(), omit=(), scheme=None):
    fields = [(":method", method), (":scheme", scheme or ("https" if ARGS.tls else "http")),
              (":path", path), (":authority", "localhost")]
    return b"".join(lit(k, v) for k, v in fields if k not in omit) + \
        b"".join(lit(k, v) for k, v in extra)


def headers(sid, block=None, end_stream=True, end_headers=True, flags=0):
    f = flags | (END_STREAM if end_stream else 0) | (END_HEADERS if end_headers else 0)
    return frame(HEADERS, f, sid, request_block() if block is None else block)


class Conn:
    def __init__(self, send_preface=True, client_settings=()):
        s = socket.create_connection((ARGS.host, ARGS.port), timeout=ARGS.timeout)
        if ARGS.tls:
            ctx = ssl.create_default_context(cafile=ARGS.ca)
            ctx.set_alpn_protocols(["h2"])
            s = ctx.wrap_socket(s, server_hostname="localhost")
            if s.selected_alpn_protocol() != "h2":
                raise RuntimeError("ALPN did not select h2")
        self.sock = s
        self.buf = b""
        self.frames = []  # (type, flags, sid, payload)
        self.closed = False
        self.server_settings = {}
        self.decoder = hpack.Decoder()
        if send_preface:
            self.send(PREFACE + settings(*client_settings))

    def send(self, *chunks):
        try:
            self.sock.sendall(b"".join(chunks))
            return True
        except (OSError, ssl.SSLError):
            self.closed = True
            return False

    def read(self, until, seconds=None):
        deadline = time.time() + (ARGS.timeout if seconds is None else seconds)
        while True:
            if until():
                return True
            if self.closed:
                return False
            left = deadline - time.time()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                return False
            except (OSError, ssl.SSLError):
                data = b""
            if not data:
                self.closed = True
                continue
            self.buf += data
            while len(self.buf) >= 9:
                length = int.from_bytes(self.buf[:3], "big")
                if len(self.buf) < 9 + length:
                    break
                ftype, flags = self.buf[3], self.buf[4]
                sid = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
                payload = self.buf[9:9 + length]
                self.buf = self.buf[9 + length:]
                self.frames.append((ftype, flags, sid, payload))
                if ftype == SETTINGS and not flags & ACK:
                    for i in range(0, len(payload) - 5, 6):
                        k, v = struct.unpack(">HI", payload[i:i + 6])
                        self.server_settings[k] = v
                    self.send(settings(ack=True))

    def goaway(self):
        for ftype, _, _, payload in self.frames:
            if ftype == GOAWAY and len(payload) >= 8:
                last, code = struct.unpack(">II", payload[:8])
                return last & 0x7FFFFFFF, code
        return None

    def rst_code(self, sid):
        for ftype, _, fsid, payload in self.frames:
            if ftype == RST_STREAM and fsid == sid and len(payload) == 4:
                return struct.unpack(">I", payload)[0]
        return None

    def find(self, ftype, sid=None, flags=0):
        return [f for f in self.frames
                if f[0] == ftype and (sid is None or f[2] == sid) and f[1] & flags == flags]

    def response_status(self, sid):
        """The :status of the first final response on sid (header blocks decoded in order)."""
        block, status = b"", None
        for ftype, flags, fsid, payload in self.frames:
            if ftype not in (HEADERS, CONTINUATION):
                continue
            if ftype == HEADERS:
                if flags & PADDED:
                    payload = payload[1:len(payload) - payload[0]]
                if flags & PRIO:
                    payload = payload[5:]
                block = b""
            block += payload
            if flags & END_HEADERS:
                fields = dict(self.decoder.decode(block))
                self.decoder_seen = True
                st = fields.get(":status") or fields.get(b":status")
                if fsid == sid and st is not None and status is None and not \
                        str(st if isinstance(st, str) else st.decode()).startswith("1"):
                    status = int(st)
        self.decoder = hpack.Decoder()
        return status

    def stream_ended(self, sid):
        return any(f[2] == sid and f[0] in (DATA, HEADERS) and f[1] & END_STREAM
                   for f in self.frames) or self.rst_code(sid) is not None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- expectations ------------------------------------------------------------------------------

def expect_connection_error(c, *codes):
    c.read(lambda: c.goaway() is not None or c.closed)
    g = c.goaway()
    if g is not None:
        if g[1] in codes:
            return True, "GOAWAY %d" % g[1]
        return False, "GOAWAY with code %d, expected %s" % (g[1], codes)
    if c.closed:
        return True, "closed without GOAWAY"
    return False, "no GOAWAY and the connection stayed open"


def expect_stream_error(c, sid, *codes):
    c.read(lambda: c.rst_code(sid) is not None or c.goaway() is not None or c.closed)
    r = c.rst_code(sid)
    if r is not None:
        return (r in codes), "RST_STREAM %d" % r
    g = c.goaway()
    if g is not None:
        return (g[1] in codes), "GOAWAY %d (connection error)" % g[1]
    if c.closed:
        return True, "closed"
    return False, "no RST_STREAM"


def expect_malformed(c, sid):
    """§8.1.1: a malformed request is a stream error PROTOCOL_ERROR; a server MAY answer with
    an HTTP response (4xx) first."""
    c.read(lambda: c.stream_ended(sid) or c.goaway() is not None or c.closed)
    r = c.rst_code(sid)
    if r is not None:
        return r == PROTOCOL_ERROR, "RST_STREAM %d" % r
    st = c.response_status(sid)
    if st is not None:
        return 400 <= st < 500, "HTTP %d" % st
    g = c.goaway()
    if g is not None:
        return g[1] == PROTOCOL_ERROR, "GOAWAY %d" % g[1]
    return c.closed, "closed" if c.closed else "no answer"


def expect_alive(c, sid=None):
    """The server ignored what came before: a PING is answered (and no GOAWAY/RST on sid)."""
    c.send(ping(b"alive!!!"))
    c.read(lambda: any(f[0] == PING and f[1] & ACK and f[3] == b"alive!!!" for f in c.frames)
           or c.closed or c.goaway() is not None)
    if c.goaway() is not None:
        return False, "GOAWAY %d" % c.goaway()[1]
    if sid is not None and c.rst_code(sid) is not None:
        return False, "RST_STREAM %d" % c.rst_code(sid)
    if c.closed:
        return False, "connection closed"
    return True, "PING answered"


def expect_response(c, sid, status=200):
    c.read(lambda: c.stream_ended(sid) or c.goaway() is not None or c.closed)
    st = c.response_status(sid)
    if st == status:
        return True, "HTTP %d" % st
    return False, "status %s, rst %s, goaway %s" % (st, c.rst_code(sid), c.goaway())
