#!/usr/bin/python3
"""Our own RFC 9113 conformance run (HTTP/2 MUSTs) against a running server.

Every case opens a fresh connection (h2c with prior knowledge, or TLS with ALPN h2), writes raw
frames built byte by byte (h2raw.py, beside this file, so it can send what a correct client never would) and checks the
server's answer: a connection error is a GOAWAY with the expected code (or, as RFC 9113 §5.4.1
allows after it, the connection closing), a stream error is RST_STREAM with the expected code
(a connection error of that code is accepted too), a "must ignore" case is followed by a PING that
must be answered. Prints one line per case (PASS, FAIL, or DEVIATION: a MUST that libnghttp2
does not meet in a known way, explained in the line and in docs/http.md) and a final line
`conformance: N/M passed, D known deviations, F failed`; exits 0 only when F is 0.

Usage: conformance.py --port P [--tls --ca CA.pem] [--host 127.0.0.1] [--timeout S] [-k NAME]
The request path `/` must answer 200 (any body). Only python3 and python3-hpack (Debian).
"""
import argparse
import struct
import sys

import h2raw
from h2raw import *  # noqa: F401,F403  (frame builders, constants, Conn, expectations)


# --- cases (§ of RFC 9113 unless named) --------------------------------------------------------

CASES = []


def case(section, text):
    def wrap(fn):
        CASES.append((section, text, fn))
        return fn
    return wrap


def new(**kw):
    c = Conn(**kw)
    return c


@case("3.4", "the server's preface starts with a SETTINGS frame")
def _(c):
    c.read(lambda: len(c.frames) > 0)
    return (bool(c.frames) and c.frames[0][0] == SETTINGS and not c.frames[0][1] & ACK,
            "first frame type %s" % (c.frames[0][0] if c.frames else None))


@case("3.4", "an invalid connection preface is a connection error")
def _(_c):
    c = Conn(send_preface=False)
    try:
        c.send(b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n" + settings())
        c.read(lambda: c.goaway() is not None or c.closed)
        if c.goaway() is not None:
            return c.goaway()[1] == PROTOCOL_ERROR, "GOAWAY %d" % c.goaway()[1]
        if c.closed:
            return True, "closed"
        # The h2c listener treats a non-preface as HTTP/1.x: a 400 then close is correct too.
        return c.buf.startswith(b"HTTP/1.1 400"), "no GOAWAY"
    finally:
        c.close()


@case("4.1", "a frame of unknown type is ignored")
def _(c):
    c.send(frame(0xEE, 0, 0, b"xyz"), frame(0xEE, 0, 1, b"abc"))
    return expect_alive(c)


@case("4.1", "unknown flags are ignored (PING with 0xfe flags)")
def _(c):
    c.send(frame(PING, 0xFE, 0, b"flags!!!"))
    c.read(lambda: any(f[0] == PING and f[3] == b"flags!!!" for f in c.frames))
    return any(f[0] == PING and f[1] & ACK and f[3] == b"flags!!!" for f in c.frames), "ACK"


@case("4.1", "the reserved bit of the stream id is ignored")
def _(c):
    c.send(frame(HEADERS, END_STREAM | END_HEADERS, 0x80000001, request_block()))
    return expect_response(c, 1)


@case("4.2", "DATA over SETTINGS_MAX_FRAME_SIZE: FRAME_SIZE_ERROR")
def _(c):
    c.send(headers(1, end_stream=False), frame(DATA, 0, 1, b"x" * 16385))
    return expect_stream_error(c, 1, FRAME_SIZE_ERROR)


@case("4.2", "HEADERS over SETTINGS_MAX_FRAME_SIZE: connection error FRAME_SIZE_ERROR")
def _(c):
    block = request_block(extra=[("x-pad", "p" * 17000)])
    c.send(frame(HEADERS, END_STREAM | END_HEADERS, 1, block))
    return expect_connection_error(c, FRAME_SIZE_ERROR)


@case("4.2", "a SETTINGS frame with a bad length: FRAME_SIZE_ERROR")
def _(c):
    c.send(frame(SETTINGS, 0, 0, b"\x00\x03\x00\x00\x00\x64\x00"))
    return expect_connection_error(c, FRAME_SIZE_ERROR)


@case("4.3", "an undecodable header block: COMPRESSION_ERROR (index 0)")
def _(c):
    c.send(headers(1, b"\x80"))
    return expect_connection_error(c, COMPRESSION_ERROR)


@case("4.3", "an index beyond the tables: COMPRESSION_ERROR")
def _(c):
    c.send(headers(1, request_block() + hpack_int(200, 7, 0x80)))
    return expect_connection_error(c, COMPRESSION_ERROR)


@case("4.3/RFC7541 4.2", "a table size update over the SETTINGS limit: COMPRESSION_ERROR")
def _(c):
    c.send(headers(1, hpack_int(1 << 20, 5, 0x20) + request_block()))
    return expect_connection_error(c, COMPRESSION_ERROR)


@case("4.3/RFC7541 4.2", "a table size update after a field: COMPRESSION_ERROR")
def _(c):
    c.send(headers(1, lit(":method", "GET") + hpack_int(100, 5, 0x20) + request_block(
        omit=(":method",))))
    return expect_connection_error(c, COMPRESSION_ERROR)


@case("4.3/RFC7541 5.2", "Huffman padding longer than 7 bits: COMPRESSION_ERROR")
def _(c):
    c.send(headers(1, request_block() + b"\x00\x81\xff\x01a"))
    return expect_connection_error(c, COMPRESSION_ERROR)


@case("4.3/RFC7541 5.2", "a Huffman string containing EOS: COMPRESSION_ERROR")
def _(c):
    c.send(headers(1, request_block() + b"\x00\x84\xff\xff\xff\xff\x01a"))
    return expect_connection_error(c, COMPRESSION_ERROR)


@case("4.3", "a truncated header block: COMPRESSION_ERROR")
def _(c):
    c.send(headers(1, request_block() + b"\x00\x05ab"))
    return expect_connection_error(c, COMPRESSION_ERROR)


@case("4.3", "a header block split over CONTINUATION frames is one block")
def _(c):
    block = request_block(extra=[("x-a", "1"), ("x-b", "2")])
    c.send(frame(HEADERS, END_STREAM, 1, block[:10]), frame(CONTINUATION, 0, 1, block[10:20]),
           frame(CONTINUATION, END_HEADERS, 1, block[20:]))
    return expect_response(c, 1)


@case("5.1", "idle: DATA is a connection error PROTOCOL_ERROR")
def _(c):
    c.send(frame(DATA, END_STREAM, 1, b"x"))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("5.1", "idle: RST_STREAM is a connection error PROTOCOL_ERROR")
def _(c):
    c.send(rst(1))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("5.1", "idle: WINDOW_UPDATE is a connection error PROTOCOL_ERROR")
def _(c):
    c.send(window_update(1, 100))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("5.1", "idle: CONTINUATION is a connection error PROTOCOL_ERROR")
def _(c):
    c.send(frame(CONTINUATION, END_HEADERS, 1, request_block()))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("5.1", "half-closed (remote): DATA is STREAM_CLOSED")
def _(c):
    c.send(headers(1, end_stream=True), frame(DATA, 0, 1, b"late"))
    return expect_stream_error(c, 1, STREAM_CLOSED)


@case("5.1", "half-closed (remote): HEADERS is STREAM_CLOSED")
def _(c):
    c.send(headers(1, end_stream=True), headers(1, end_stream=True))
    return expect_stream_error(c, 1, STREAM_CLOSED)


@case("5.1", "closed: DATA after the response is STREAM_CLOSED")
def _(c):
    c.send(headers(1))
    ok, why = expect_response(c, 1)
    if not ok:
        return ok, why
    c.send(frame(DATA, 0, 1, b"late"))
    return expect_stream_error(c, 1, STREAM_CLOSED)


@case("5.1", "closed: WINDOW_UPDATE and RST_STREAM right after the end are ignored")
def _(c):
    c.send(headers(1))
    ok, why = expect_response(c, 1)
    if not ok:
        return ok, why
    c.send(window_update(1, 1000), rst(1))
    return expect_alive(c)


@case("5.1", "closed after RST_STREAM from the client: the server goes on")
def _(c):
    c.send(headers(1, end_stream=False), rst(1), headers(3))
    return expect_response(c, 3)


@case("5.1.1", "an even stream id from the client: PROTOCOL_ERROR")
def _(c):
    c.send(headers(2))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("5.1.1", "a stream id lower than one used before: PROTOCOL_ERROR")
def _(c):
    c.send(headers(5))
    ok, why = expect_response(c, 5)
    if not ok:
        return ok, why
    c.send(headers(3), ping(b"after-3!"))
    c.read(lambda: c.goaway() is not None or c.closed or
           any(f[3] == b"after-3!" for f in c.find(PING, 0, ACK)))
    g = c.goaway()
    if g is not None:
        return g[1] in (PROTOCOL_ERROR, STREAM_CLOSED), "GOAWAY %d" % g[1]
    if c.closed:
        return True, "closed"
    if c.rst_code(3) is None and c.response_status(3) is None:
        # libnghttp2 ignores such a HEADERS: it cannot tell a never-used lower id from a late
        # frame of a stream it already closed (it does not remember every closed id).
        return DEVIATION, "ignored (not answered; the connection goes on)"
    return False, "stream 3 was served"


@case("5.1.2", "streams over SETTINGS_MAX_CONCURRENT_STREAMS are refused")
def _(c):
    c.read(lambda: 3 in c.server_settings)
    limit = c.server_settings.get(3)
    if limit is None or limit > 1000:
        return False, "no usable SETTINGS_MAX_CONCURRENT_STREAMS (%s)" % limit
    # Streams left open (no END_STREAM): they all count against the limit.
    c.send(b"".join(headers(1 + 2 * i, request_block("/", "POST"), end_stream=False)
                    for i in range(limit + 1)))
    over = 1 + 2 * limit
    ok, why = expect_stream_error(c, over, PROTOCOL_ERROR, REFUSED_STREAM)
    return ok, "limit %d: %s" % (limit, why)


@case("5.3.1", "HEADERS whose priority depends on itself: PROTOCOL_ERROR")
def _(c):
    c.send(frame(HEADERS, END_STREAM | END_HEADERS | PRIO, 1,
                 struct.pack(">IB", 1, 16) + request_block()))
    return expect_stream_error(c, 1, PROTOCOL_ERROR)


@case("5.3.1", "PRIORITY that depends on its own stream: PROTOCOL_ERROR")
def _(c):
    c.send(frame(PRIORITY, 0, 3, struct.pack(">IB", 3, 16)))
    return expect_stream_error(c, 3, PROTOCOL_ERROR)


@case("5.5", "an unknown frame inside a header block: PROTOCOL_ERROR")
def _(c):
    block = request_block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:5]), frame(0xEE, 0, 1, b"x"),
           frame(CONTINUATION, END_HEADERS, 1, block[5:]))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.1", "DATA on stream 0: PROTOCOL_ERROR")
def _(c):
    c.send(frame(DATA, 0, 0, b"x"))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.1", "DATA with padding as long as the payload: PROTOCOL_ERROR")
def _(c):
    c.send(headers(1, request_block("/", "POST"), end_stream=False),
           frame(DATA, PADDED | END_STREAM, 1, b"\x05abcd"))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.1", "padded DATA is accepted and the padding counts for flow control")
def _(c):
    c.send(headers(1, request_block("/", "POST", [("content-length", "4")]), end_stream=False),
           frame(DATA, PADDED | END_STREAM, 1, b"\x03abcd\x00\x00\x00"))
    return expect_response(c, 1)


@case("6.2", "HEADERS on stream 0: PROTOCOL_ERROR")
def _(c):
    c.send(headers(0))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.2", "HEADERS with padding longer than the payload: PROTOCOL_ERROR")
def _(c):
    block = request_block()
    c.send(frame(HEADERS, END_STREAM | END_HEADERS | PADDED, 1, bytes([255]) + block))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.2", "padded HEADERS is accepted")
def _(c):
    c.send(frame(HEADERS, END_STREAM | END_HEADERS | PADDED, 1, b"\x04" + request_block() +
                 b"\x00" * 4))
    return expect_response(c, 1)


@case("6.2", "HEADERS without END_HEADERS followed by another frame: PROTOCOL_ERROR")
def _(c):
    c.send(frame(HEADERS, END_STREAM, 1, request_block()), ping())
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.2", "HEADERS without END_HEADERS, CONTINUATION on another stream: PROTOCOL_ERROR")
def _(c):
    block = request_block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:5]),
           frame(CONTINUATION, END_HEADERS, 3, block[5:]))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.3", "PRIORITY on stream 0: PROTOCOL_ERROR")
def _(c):
    c.send(frame(PRIORITY, 0, 0, struct.pack(">IB", 1, 16)))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.3", "PRIORITY of a length other than 5: FRAME_SIZE_ERROR")
def _(c):
    c.send(frame(PRIORITY, 0, 1, b"\x00\x00\x00\x00\x10\x00"))
    return expect_stream_error(c, 1, FRAME_SIZE_ERROR)


@case("6.3", "PRIORITY on an idle stream is accepted")
def _(c):
    c.send(frame(PRIORITY, 0, 9, struct.pack(">IB", 0, 16)), headers(1))
    return expect_response(c, 1)


@case("6.4", "RST_STREAM on stream 0: PROTOCOL_ERROR")
def _(c):
    c.send(rst(0))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.4", "RST_STREAM of a length other than 4: FRAME_SIZE_ERROR")
def _(c):
    c.send(headers(1, end_stream=False), frame(RST_STREAM, 0, 1, b"\x00\x00\x00\x08\x00"))
    return expect_connection_error(c, FRAME_SIZE_ERROR)


@case("6.5", "SETTINGS with ACK and a payload: FRAME_SIZE_ERROR")
def _(c):
    c.send(frame(SETTINGS, ACK, 0, struct.pack(">HI", 3, 100)))
    return expect_connection_error(c, FRAME_SIZE_ERROR)


@case("6.5", "SETTINGS on a stream: PROTOCOL_ERROR")
def _(c):
    c.send(frame(SETTINGS, 0, 1, struct.pack(">HI", 3, 100)))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.5.3", "SETTINGS is acknowledged")
def _(c):
    c.read(lambda: bool(c.server_settings))
    before = len(c.find(SETTINGS, 0, ACK))
    c.send(settings((4, 65535), (5, 16384)))
    c.read(lambda: len(c.find(SETTINGS, 0, ACK)) >= before + 1)
    acks = c.find(SETTINGS, 0, ACK)
    return len(acks) >= before + 1 and all(not a[3] for a in acks), "%d ACKs" % len(acks)


@case("6.5.2", "SETTINGS_ENABLE_PUSH other than 0 or 1: PROTOCOL_ERROR")
def _(c):
    c.send(settings((2, 2)))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE over 2^31-1: FLOW_CONTROL_ERROR")
def _(c):
    c.send(settings((4, 2 ** 31)))
    return expect_connection_error(c, FLOW_CONTROL_ERROR)


@case("6.5.2", "SETTINGS_MAX_FRAME_SIZE under 16384: PROTOCOL_ERROR")
def _(c):
    c.send(settings((5, 16383)))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.5.2", "SETTINGS_MAX_FRAME_SIZE over 2^24-1: PROTOCOL_ERROR")
def _(c):
    c.send(settings((5, 2 ** 24)))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.5.2", "an unknown setting is ignored")
def _(c):
    c.send(settings((0xFF, 1)))
    return expect_alive(c)


@case("6.5.2", "the server never pushes when SETTINGS_ENABLE_PUSH is 0")
def _(c):
    c.send(settings((2, 0)), headers(1))
    ok, why = expect_response(c, 1)
    return ok and not c.find(PUSH_PROMISE), why


@case("6.6", "PUSH_PROMISE from a client: PROTOCOL_ERROR")
def _(c):
    c.send(headers(1, end_stream=False),
           frame(PUSH_PROMISE, END_HEADERS, 1, struct.pack(">I", 2) + request_block()))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.7", "PING is answered with an ACK carrying the same data")
def _(c):
    c.send(ping(b"\x01\x02\x03\x04\x05\x06\x07\x08"))
    c.read(lambda: bool(c.find(PING, 0, ACK)))
    p = c.find(PING, 0, ACK)
    return bool(p) and p[0][3] == b"\x01\x02\x03\x04\x05\x06\x07\x08", "ACK"


@case("6.7", "a PING ACK is not answered")
def _(c):
    c.send(ping(b"ackackac", ack=True), ping(b"realping"))
    c.read(lambda: any(f[3] == b"realping" for f in c.find(PING, 0, ACK)))
    acks = c.find(PING, 0, ACK)
    return [f[3] for f in acks] == [b"realping"], "%d ACKs" % len(acks)


@case("6.7", "PING on a stream: PROTOCOL_ERROR")
def _(c):
    c.send(frame(PING, 0, 1, b"12345678"))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.7", "PING of a length other than 8: FRAME_SIZE_ERROR")
def _(c):
    c.send(frame(PING, 0, 0, b"1234567"))
    return expect_connection_error(c, FRAME_SIZE_ERROR)


@case("6.8", "GOAWAY on a stream: PROTOCOL_ERROR")
def _(c):
    c.send(frame(GOAWAY, 0, 1, struct.pack(">II", 0, 0)))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.8", "after a connection error GOAWAY names the last stream processed")
def _(c):
    c.send(headers(1))
    ok, why = expect_response(c, 1)
    if not ok:
        return ok, why
    c.send(frame(DATA, 0, 0, b"x"))
    c.read(lambda: c.goaway() is not None or c.closed)
    g = c.goaway()
    return g is not None and g[0] == 1 and g[1] == PROTOCOL_ERROR, "GOAWAY %s" % (g,)


@case("6.8", "a GOAWAY from the client: streams it opened are still answered")
def _(c):
    c.send(headers(1), frame(GOAWAY, 0, 0, struct.pack(">II", 0, NO_ERROR)))
    return expect_response(c, 1)


@case("6.9", "WINDOW_UPDATE of 0 on the connection: PROTOCOL_ERROR")
def _(c):
    c.send(window_update(0, 0))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.9", "WINDOW_UPDATE of 0 on a stream: PROTOCOL_ERROR")
def _(c):
    c.send(headers(1, request_block("/", "POST"), end_stream=False), window_update(1, 0))
    return expect_stream_error(c, 1, PROTOCOL_ERROR)


@case("6.9", "WINDOW_UPDATE of a length other than 4: FRAME_SIZE_ERROR")
def _(c):
    c.send(frame(WINDOW_UPDATE, 0, 0, b"\x00\x00\x00\x01\x00"))
    return expect_connection_error(c, FRAME_SIZE_ERROR)


@case("6.9.1", "a connection window over 2^31-1: FLOW_CONTROL_ERROR")
def _(c):
    c.send(window_update(0, 2 ** 31 - 1), window_update(0, 2 ** 31 - 1))
    return expect_connection_error(c, FLOW_CONTROL_ERROR)


@case("6.9.1", "a stream window over 2^31-1: FLOW_CONTROL_ERROR")
def _(c):
    c.send(headers(1, request_block("/", "POST"), end_stream=False),
           window_update(1, 2 ** 31 - 1), window_update(1, 2 ** 31 - 1))
    return expect_stream_error(c, 1, FLOW_CONTROL_ERROR)


@case("6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE pushing a stream window over 2^31-1: "
      "FLOW_CONTROL_ERROR")
def _(c):
    c.send(headers(1, request_block("/", "POST"), end_stream=False),
           window_update(1, 2 ** 31 - 1 - 65535), settings((4, 65536)))
    c.read(lambda: c.goaway() is not None or c.closed or c.rst_code(1) is not None)
    g = c.goaway()
    if g is not None:
        return g[1] == FLOW_CONTROL_ERROR, "GOAWAY %d" % g[1]
    if c.rst_code(1) == FLOW_CONTROL_ERROR:
        # libnghttp2 resets the overflowing stream (a stream error) instead of the connection.
        return DEVIATION, "RST_STREAM FLOW_CONTROL_ERROR on the stream, not GOAWAY"
    return c.closed, "closed" if c.closed else "no error"


@case("6.9.2", "the server sends no more DATA than the client's window (1 byte)")
def _(c):
    c.send(settings((4, 1)), headers(1))
    c.read(lambda: bool(c.find(DATA, 1)) or c.stream_ended(1))
    # Wait a little more: anything over the window would have been sent by now.
    c.read(lambda: False, 0.3)
    sent = sum(len(f[3]) for f in c.find(DATA, 1))
    if sent != 1:
        return False, "%d DATA bytes within a 1-byte window" % sent
    c.send(window_update(1, 1 << 20), window_update(0, 1 << 20))
    return expect_response(c, 1)


@case("6.10", "CONTINUATION after END_HEADERS: PROTOCOL_ERROR")
def _(c):
    c.send(headers(1, end_stream=False), frame(CONTINUATION, END_HEADERS, 1, lit("x-a", "b")))
    return expect_connection_error(c, PROTOCOL_ERROR)


@case("6.10", "CONTINUATION on stream 0: PROTOCOL_ERROR")
def _(c):
    block = request_block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:5]),
           frame(CONTINUATION, END_HEADERS, 0, block[5:]))
    return expect_connection_error(c, PROTOCOL_ERROR)


def malformed(text, block, end_stream=True, data=None):
    def run(c):
        c.send(headers(1, block(), end_stream=end_stream and data is None))
        if data is not None:
            c.send(frame(DATA, END_STREAM, 1, data))
        return expect_malformed(c, 1)
    case("8.1.1/8.2/8.3", text)(run)


malformed("an upper-case field name is malformed",
          lambda: request_block(extra=[("X-Upper", "1")]))
malformed("an unknown pseudo-header is malformed",
          lambda: request_block(extra=[(":bogus", "1")]))
malformed("a response pseudo-header in a request is malformed",
          lambda: request_block(extra=[(":status", "200")]))
malformed("a pseudo-header after a regular field is malformed",
          lambda: lit("x-a", "1") + request_block())
malformed("a duplicated :method is malformed",
          lambda: request_block() + lit(":method", "GET"))
malformed("a request without :method is malformed",
          lambda: request_block(omit=(":method",)))
malformed("a request without :scheme is malformed",
          lambda: request_block(omit=(":scheme",)))
malformed("a request without :path is malformed",
          lambda: request_block(omit=(":path",)))
malformed("an empty :path is malformed", lambda: request_block(path=""))
malformed("a connection-specific field (connection) is malformed",
          lambda: request_block(extra=[("connection", "keep-alive")]))
malformed("a connection-specific field (transfer-encoding) is malformed",
          lambda: request_block(extra=[("transfer-encoding", "chunked")]))
malformed("TE other than \"trailers\" is malformed",
          lambda: request_block(extra=[("te", "gzip")]))
malformed("a field value with a NUL is malformed",
          lambda: request_block(extra=[("x-a", "a\x00b")]))
malformed("a content-length that the DATA do not match is malformed",
          lambda: request_block("/", "POST", [("content-length", "10")]), data=b"abc")
malformed("CONNECT with :scheme and :path is malformed",
          lambda: request_block(method="CONNECT"))


@case("8.1", "trailers without END_STREAM are malformed")
def _(c):
    c.send(headers(1, request_block("/", "POST"), end_stream=False), frame(DATA, 0, 1, b"abc"),
           frame(HEADERS, END_HEADERS, 1, lit("x-trailer", "1")))
    return expect_malformed(c, 1)


@case("8.1", "a pseudo-header in trailers is malformed")
def _(c):
    c.send(headers(1, request_block("/", "POST"), end_stream=False), frame(DATA, 0, 1, b"abc"),
           frame(HEADERS, END_HEADERS | END_STREAM, 1, lit(":method", "GET")))
    return expect_malformed(c, 1)


@case("8.1", "a request with a body and trailers is answered")
def _(c):
    c.send(headers(1, request_block("/", "POST"), end_stream=False), frame(DATA, 0, 1, b"abc"),
           frame(HEADERS, END_HEADERS | END_STREAM, 1, lit("x-trailer", "1")))
    return expect_response(c, 1)


@case("8.2.3", "split cookie fields are accepted")
def _(c):
    c.send(headers(1, request_block(extra=[("cookie", "a=1"), ("cookie", "b=2")])))
    return expect_response(c, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls", action="store_true")
    p.add_argument("--ca")
    p.add_argument("--timeout", type=float, default=5)
    p.add_argument("-k", dest="only", help="run only cases whose text contains this")
    args = h2raw.ARGS = p.parse_args()
    passed = total = deviations = 0
    for section, text, fn in CASES:
        if args.only and args.only not in text:
            continue
        total += 1
        c = None
        try:
            c = new()
            ok, why = fn(c)
        except Exception as e:  # noqa: BLE001
            ok, why = False, "exception: %r" % e
        finally:
            if c is not None:
                c.close()
        if ok == DEVIATION:
            deviations += 1
            word = "DEVIATION"
        else:
            passed += bool(ok)
            word = "PASS" if ok else "FAIL"
        print("%s %-14s %s — %s" % (word, section, text, why), flush=True)
    failed = total - passed - deviations
    print("conformance: %d/%d passed, %d known deviations, %d failed (%s)" %
          (passed, total, deviations, failed, "tls" if args.tls else "h2c"), flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
