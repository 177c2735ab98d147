#!/usr/bin/python3
"""Writes the seed corpus of fuzz/tls (seeds/*): [mode][flags] + bytes (see tls_fuzz.cpp).
Mode 0 seeds are real ClientHellos (TLS 1.3 and 1.2, with ALPN h2/http1.1 and SNI) made with
Python's ssl MemoryBIO; modes 1 and 2 get records and plain application data.
Re-run after changing it: /usr/bin/python3 fuzz/tls/make_seeds.py"""
import os
import ssl

HERE = os.path.dirname(os.path.abspath(__file__))


def client_hello(version, alpn):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = version
    ctx.maximum_version = version
    ctx.set_alpn_protocols(alpn)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


hello13 = client_hello(ssl.TLSVersion.TLSv1_3, ["h2", "http/1.1"])
hello12 = client_hello(ssl.TLSVersion.TLSv1_2, ["http/1.1"])
SEEDS = {
    "hello13": b"\x00\x00" + hello13,
    "hello13_chunked": b"\x00\x1c" + hello13,
    "hello12": b"\x00\x01" + hello12,
    "alert": b"\x00\x00" + bytes([21, 3, 3, 0, 2, 2, 40]),
    "records13": b"\x01\x00" + bytes([23, 3, 3, 0, 5]) + b"abcde",
    "records12_mtls": b"\x01\x03" + bytes([23, 3, 3, 0, 3]) + b"xyz" + bytes([21, 3, 3, 0, 2, 1, 0]),
    "appdata_h1": b"\x02\x00GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "appdata_h2": b"\x02\x01PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00",
    # bit 2 of the second byte: a resumed session instead of a full handshake
    "resumed13_records": b"\x01\x04" + bytes([23, 3, 3, 0, 5]) + b"abcde",
    "resumed12_mtls_appdata": b"\x02\x07GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "resumed13_appdata": b"\x02\x04GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
}
os.makedirs(os.path.join(HERE, "seeds"), exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(HERE, "seeds", name), "wb") as f:
        f.write(data)
