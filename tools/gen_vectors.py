#!/usr/bin/env python3
"""Generates tests/vectors/: the golden goridge frames of PROTOCOL.md §1.7.

Each vector is <name>.bin (the exact frame bytes) plus an entry in index.json giving the
decoded fields, so the C++ and PHP suites check both directions: decode(bin) == fields and
encode(fields) == bin. Run from the repository root: python3 tools/gen_vectors.py
"""
import json
import struct
import zlib
from pathlib import Path


def frame(flags, payload=b"", options=(), byte10=0):
    hl = 3 + len(options)
    head = bytes([(1 << 4) | hl, flags]) + struct.pack("<I", len(payload))
    crc = zlib.crc32(head) & 0xFFFFFFFF
    out = head + struct.pack("<I", crc) + bytes([byte10, 0])
    for o in options:
        out += struct.pack("<I", o)
    return out + payload


ctx_json = b'{"status":200,"headers":{}}'
proto_ctx = bytes.fromhex("08c801121c0a0c") + b"Content-Type" + bytes.fromhex("120c0a0a") + b"text/plain"
proto_req = (b"\x0a\x09127.0.0.1" b"\x12\x08HTTP/1.1" b"\x1a\x03GET" b"\x22\x1ahttp://localhost:8080/?a=1"
             b"\x2a\x0f\x0a\x06Accept\x12\x05\x0a\x03*/*" b"\x3a\x03a=1")
rpc_method = b"informer.Workers"
# PROTOCOL.md §4.2 example: the JSON twin of proto_req (RR 2.x - 2023.3 servers send this).
json_req = (b'{"remoteAddr":"127.0.0.1","protocol":"HTTP/1.1","method":"GET",'
            b'"uri":"http://localhost:8080/?a=1","headers":{"Accept":["*/*"]},"cookies":{},'
            b'"rawQuery":"a=1","parsed":false,"uploads":null,"attributes":{}}')

VECTORS = [
    ("pid_request", 0x09, b'{"pid":12345}', [], 0, "server->worker PID request"),
    ("pid_reply", 0x01, b'{"pid":4242}', [], 0, "worker->server PID reply"),
    ("stop_command", 0x09, b'{"stop":true}', [], 0, "server->worker stop"),
    ("json_response", 0x08, ctx_json + b"OK", [len(ctx_json)], 0, "worker->server JSON response"),
    ("proto_response_stream_chunk", 0x80, proto_ctx + b"hello", [len(proto_ctx)], 0x01,
     "worker->server protobuf response chunk with STREAM"),
    ("stream_ack", 0x00, b"", [0], 0, "worker->server empty stream acknowledgement"),
    ("stream_stop", 0x00, b"", [], 0x02, "server->worker STOP"),
    ("pong", 0x00, b"", [], 0x08, "server->worker PONG"),
    ("error_boom", 0x40, b"boom", [], 0, "worker->server soft error"),
    ("worker_stop_request", 0x00, b'{"stop":true}', [13], 0, "worker->server please restart me"),
    ("proto_request", 0x80, proto_req, [len(proto_req)], 0, "server->worker protobuf HTTP request"),
    ("rpc_request", 0x08, rpc_method + b'"http"', [1, len(rpc_method)], 0, "RPC request seq=1"),
    ("json_request", 0x08, json_req, [len(json_req)], 0, "server->worker JSON HTTP request"),
]


def main():
    out_dir = Path("tests/vectors")
    out_dir.mkdir(parents=True, exist_ok=True)
    index = []
    for name, flags, payload, options, byte10, what in VECTORS:
        data = frame(flags, payload, options, byte10)
        (out_dir / f"{name}.bin").write_bytes(data)
        index.append({
            "name": name, "what": what, "flags": flags, "byte10": byte10, "options": options,
            "payload_hex": payload.hex(), "frame_hex": data.hex(),
        })
    (out_dir / "index.json").write_text(json.dumps(index, indent=2) + "\n")


if __name__ == "__main__":
    main()
