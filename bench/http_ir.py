#!/usr/bin/python3
"""Instructions, mallocs and clock reads per HTTP request in the rr process, by callgrind.

Starts `rr serve` under `valgrind --tool=callgrind` (the PHP workers run natively), sends one
warm-up request on its own connection, then N sequential keep-alive requests on one connection,
stops rr with SIGTERM and reads the totals. Run twice (N1, N2) and take the difference divided by
N2 - N1, which cancels start-up and shutdown (bench/RESULTS.md, "Session 2: HTTP side").

Usage: bench/http_ir.py [--rr build/rel/rr] [--worker examples/raw/worker.php]
                        [--mode h1|unix|tls|h2|h2c] [--n1 500] [--n2 2500]
Needs valgrind and, for --mode h2/h2c, python3-h2 (Debian).
"""
import argparse
import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_cert(d):
    key, crt = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "2", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return crt, key


def config(args, d, port):
    worker = os.path.abspath(args.worker)
    php = f"php -d opcache.enable_cli=1 {worker}"
    lines = ['version: "3"', "server:", f'  command: "{php}"', "http:"]
    if args.mode == "unix":
        lines.append(f"  address: unix://{d}/rr.sock")
    elif args.mode in ("tls", "h2"):
        crt, key = make_cert(d)
        lines += [f"  address: 127.0.0.1:{free_port()}", "  ssl:",
                  f"    address: 127.0.0.1:{port}", f"    cert: {crt}", f"    key: {key}"]
    else:
        lines.append(f"  address: 127.0.0.1:{port}")
        if args.mode == "h2c":
            lines += ["  http2:", "    h2c: true"]
    lines += ["  pool:", "    num_workers: 2", "logs:", "  mode: production", "  level: error"]
    return "\n".join(lines) + "\n"


class Client:
    def __init__(self, args, d, port):
        self.mode, self.d, self.port = args.mode, d, port

    def connect(self):
        if self.mode == "unix":
            c = http.client.HTTPConnection("localhost", timeout=60)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(60)
            s.connect(os.path.join(self.d, "rr.sock"))
            c.sock = s
            return H1(c)
        if self.mode == "tls":
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return H1(http.client.HTTPSConnection("127.0.0.1", self.port, timeout=60,
                                                  context=ctx))
        if self.mode in ("h2", "h2c"):
            return H2(self.port, self.mode == "h2")
        return H1(http.client.HTTPConnection("127.0.0.1", self.port, timeout=60))

    def ready(self):
        try:
            if self.mode == "unix":
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(os.path.join(self.d, "rr.sock"))
            else:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=1)
            s.close()
            return True
        except OSError:
            return False


class H1:
    def __init__(self, conn):
        self.c = conn

    def get(self):
        self.c.request("GET", "/")
        r = self.c.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"status {r.status}: {body!r}")

    def close(self):
        self.c.close()


class H2:
    def __init__(self, port, tls):
        import h2.config
        import h2.connection
        import h2.events
        self.events = h2.events
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.set_alpn_protocols(["h2"])
            s = ctx.wrap_socket(s, server_hostname="localhost")
        self.s = s
        self.scheme = "https" if tls else "http"
        self.h = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.h.initiate_connection()
        self.s.sendall(self.h.data_to_send())

    def get(self):
        sid = self.h.get_next_available_stream_id()
        self.h.send_headers(sid, [(":method", "GET"), (":path", "/"), (":scheme", self.scheme),
                                  (":authority", "localhost")], end_stream=True)
        self.s.sendall(self.h.data_to_send())
        while True:
            data = self.s.recv(65536)
            if not data:
                raise RuntimeError("connection closed")
            done = False
            for e in self.h.receive_data(data):
                if isinstance(e, self.events.DataReceived):
                    self.h.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                if isinstance(e, self.events.StreamEnded) and e.stream_id == sid:
                    done = True
            out = self.h.data_to_send()
            if out:
                self.s.sendall(out)
            if done:
                return

    def close(self):
        self.s.close()


def run(args, n):
    with tempfile.TemporaryDirectory(prefix="rr-ir-") as d:
        port = free_port()
        cfg = os.path.join(d, ".rr.yaml")
        with open(cfg, "w") as f:
            f.write(config(args, d, port))
        out = os.path.join(d, "callgrind.out")
        rr = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                               os.path.abspath(args.rr), "serve", "-c", cfg], cwd=d,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            client = Client(args, d, port)
            deadline = time.time() + 120
            while not client.ready():
                if rr.poll() is not None or time.time() > deadline:
                    raise RuntimeError("rr did not start: " + rr.stderr.read().decode())
                time.sleep(0.2)
            warm = client.connect()
            warm.get()
            warm.close()
            c = client.connect()
            for _ in range(n):
                c.get()
            c.close()
        finally:
            rr.send_signal(signal.SIGTERM)
            try:
                rr.wait(timeout=120)
            except subprocess.TimeoutExpired:
                rr.kill()
                rr.wait()
        return parse(out)


def parse(path):
    """Total Ir, and calls to malloc and clock_gettime, from a callgrind output file."""
    names = {}
    totals = 0
    calls = {"malloc": 0, "clock_gettime": 0}
    callee = None
    name_re = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                totals = int(line.split()[1])
                continue
            m = name_re.match(line.strip())
            if m:
                ident, name = m.group(1), m.group(2)
                if name:
                    names[ident] = name
                if line.startswith("cfn="):
                    callee = names.get(ident)
                continue
            if line.startswith("calls="):
                n = int(line[6:].split()[0])
                for key in calls:
                    if callee == key or (callee and callee.startswith(key + "'")) or (
                            key == "clock_gettime" and callee and "clock_gettime" in callee):
                        calls[key] += n
    return totals, calls


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rr", default=os.path.join(ROOT, "build/rel/rr"))
    p.add_argument("--worker", default=os.path.join(ROOT, "examples/raw/worker.php"))
    p.add_argument("--mode", default="h1", choices=["h1", "unix", "tls", "h2", "h2c"])
    p.add_argument("--n1", type=int, default=500)
    p.add_argument("--n2", type=int, default=2500)
    args = p.parse_args()
    a = run(args, args.n1)
    b = run(args, args.n2)
    dn = args.n2 - args.n1
    print(f"mode={args.mode} N={args.n1}..{args.n2}: "
          f"Ir/request {(b[0] - a[0]) / dn:,.0f}  "
          f"mallocs/request {(b[1]['malloc'] - a[1]['malloc']) / dn:.1f}  "
          f"clock reads/request {(b[1]['clock_gettime'] - a[1]['clock_gettime']) / dn:.1f}")


if __name__ == "__main__":
    sys.exit(main())
