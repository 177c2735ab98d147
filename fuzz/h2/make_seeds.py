#!/usr/bin/python3
"""Writes the seed corpus of fuzz/h2 (seeds/*): mode byte + frames after the client preface.
Re-run after changing it: /usr/bin/python3 fuzz/h2/make_seeds.py"""
import os
import struct

import hpack

HERE = os.path.dirname(os.path.abspath(__file__))


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + \
        payload


def settings(*pairs):
    return frame(4, 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


def block(path="/", method="GET", extra=()):
    return hpack.Encoder().encode([(":method", method), (":scheme", "http"), (":path", path),
                                   (":authority", "localhost")] + list(extra))


SEEDS = {
    "get": (0x00, settings() + frame(1, 5, 1, block())),
    "get_split": (0x80, settings() + frame(1, 5, 1, block()) + frame(1, 5, 3, block("/b"))),
    "post_body": (0x10, settings((4, 65535)) + frame(1, 4, 1, block("/p", "POST", [
        ("content-length", "11")])) + frame(0, 0, 1, b"hello") + frame(0, 1, 1, b" world")),
    "post_trailers": (0x18, settings() + frame(1, 4, 1, block("/t", "POST")) +
                      frame(0, 0, 1, b"abc") + frame(1, 5, 1, hpack.Encoder().encode(
                          [("x-trailer", "1")]))),
    "continuation": (0x04, settings() + frame(1, 1, 1, block()[:6]) + frame(9, 4, 1, block()[6:])),
    "control": (0x00, settings((1, 4096), (3, 10)) + frame(6, 0, 0, b"12345678") +
                frame(8, 0, 0, struct.pack(">I", 1000)) + frame(2, 0, 3, b"\x00\x00\x00\x01\x10") +
                frame(1, 5, 5, block()) + frame(3, 0, 5, struct.pack(">I", 8))),
    "upgrade": (0x01, settings() + frame(1, 5, 3, block("/second"))),
    "head_hints": (0x0c, settings() + frame(1, 5, 1, block("/h", "HEAD"))),
    "big_header": (0x00, settings() + frame(1, 5, 1, block(extra=[("x-big", "b" * 3000)]))),
    "goaway": (0x00, settings() + frame(1, 5, 1, block()) + frame(7, 0, 0,
                                                                  struct.pack(">II", 1, 0))),
}

os.makedirs(os.path.join(HERE, "seeds"), exist_ok=True)
for name, (mode, data) in SEEDS.items():
    with open(os.path.join(HERE, "seeds", name), "wb") as f:
        f.write(bytes([mode]) + data)
