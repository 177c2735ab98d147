#!/usr/bin/env python3
"""Fault suite: one rr per fault on loopback, a load generator running while the fault is
injected, then checks on what the fault may have left behind.

Per fault it prints the requests sent, answered well, failed (unexpected, with reasons),
failed by design (named), p50/p99 latency, and the result of the checks: no zombie child, no
leaked fd in rr, no temp file left in the uploads dir, rr's RSS back within bounds, and after
the stop: exit code 0 and no process of rr's session left.

Usage: faults.py --rr PATH [--long] [--only NAME,...] [--list]
Exit code 0 when every fault passes (skips allowed), 1 otherwise. Python 3 stdlib only.
"""

import argparse
import collections
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "php", "worker.php")
START_DEADLINE = 60.0  # an ASan build on a busy machine boots slowly


def log(msg):
    print(msg, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(cond, deadline_s, step=0.05):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()


# ---------------------------------------------------------------------------------------------
# processes


def proc_stat(pid):
    """(state, ppid, pgid) of pid, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return rest[0], int(rest[1]), int(rest[2])
    except (OSError, IndexError, ValueError):
        return None


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def children(pid):
    out = []
    for p in all_pids():
        st = proc_stat(p)
        if st and st[1] == pid:
            out.append((p, st[0]))
    return out


def session_members(sid):
    out = []
    for p in all_pids():
        try:
            if os.getsid(p) == sid:
                out.append(p)
        except OSError:
            pass
    return out


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


class Rr:
    """One rr serving tests/faults/php/worker.php in a temp dir, in its own session."""

    def __init__(self, binary, http_extra="", pool_extra="", workers=2, rpc=False, uploads=None):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="rr-faults-")
        self.uploads = uploads or os.path.join(self.dir, "uploads")
        os.makedirs(self.uploads, exist_ok=True)
        self.port = free_port()
        self.rpc_port = free_port() if rpc else None
        self.cfg = os.path.join(self.dir, ".rr.yaml")
        rpc_yaml = f"rpc:\n  listen: tcp://127.0.0.1:{self.rpc_port}\n" if rpc else ""
        with open(self.cfg, "w") as f:
            f.write(
                f'version: "3"\n{rpc_yaml}server:\n  command: "php {WORKER}"\n'
                f"http:\n  address: 127.0.0.1:{self.port}\n  uploads:\n    dir: {self.uploads}\n"
                f"{http_extra}  pool:\n    num_workers: {workers}\n{pool_extra}"
                "logs:\n  mode: production\n  level: warn\n"
            )
        self.log_path = os.path.join(self.dir, "rr.log")
        self.proc = None

    def start(self):
        env = dict(os.environ)
        # A sanitizer build keeps up to 256 MB of freed memory in quarantine, which the RSS
        # check would take for a leak: keep the quarantine small (leak reports stay as set).
        asan = env.get("ASAN_OPTIONS", "detect_leaks=0")
        if "quarantine_size_mb" not in asan:
            asan += ":quarantine_size_mb=16"
        env["ASAN_OPTIONS"] = asan
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "-c", self.cfg, "-w", self.dir],
            stdout=self.log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=env)
        ok = wait_until(lambda: self.get("/") == 200 or self.proc.poll() is not None,
                        START_DEADLINE, 0.1)
        if self.proc.poll() is not None or self.get("/") != 200:
            raise RuntimeError(f"rr did not start: {self.tail()}")
        return ok

    def get(self, path):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            return r.status
        except OSError:
            return None

    @property
    def pid(self):
        return self.proc.pid

    def workers(self):
        return [p for p, state in children(self.pid) if state != "Z"]

    def zombies(self):
        return [p for p, state in children(self.pid) if state == "Z"]

    def tail(self, n=15):
        try:
            with open(self.log_path, "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self, deadline=30.0):
        """SIGTERM; returns (exit code or None, leftover pids). KILLs the session on timeout."""
        if self.proc is None:
            return None, []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(deadline)
        except subprocess.TimeoutExpired:
            code = None
        wait_until(lambda: not session_members(self.pid), 5.0)
        left = session_members(self.pid)
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        if code is None:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()
        return code, left

    def cleanup(self):
        subprocess.run(["rm", "-rf", self.dir], check=False)


# ---------------------------------------------------------------------------------------------
# load


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.ok = 0
        self.failed = collections.Counter()    # unexpected failures by reason
        self.by_design = collections.Counter()  # failures the config allows, by name
        self.stale_retries = 0                  # client retries on a closed keep-alive conn
        self.not_sent = 0                       # refused after a stop began (not failures)
        self.lat = []
        self.pids = set()

    def p(self, q):
        if not self.lat:
            return 0.0
        s = sorted(self.lat)
        return 1000 * s[min(len(s) - 1, int(q * len(s)))]


class Load:
    """`threads` clients on keep-alive connections, each looping over `pick()` → (method, path,
    body, by_design_name or None) until stopped. A failure of a request whose by_design_name is
    set counts under that name; any other failure is unexpected. A request on a reused
    connection that finds it closed before any answer byte is sent again once on a new
    connection (what browsers and curl do; counted in stale_retries)."""

    def __init__(self, port, threads, pick, timeout=30.0):
        self.port, self.pick, self.timeout = port, pick, timeout
        self.stats = Stats()
        self.stop_ev = threading.Event()
        self.stopping_at = None  # monotonic time a server stop began
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_ev.set()
        for t in self.threads:
            t.join(self.timeout + 5)

    def run(self):
        conn = None
        used = False
        while not self.stop_ev.is_set():
            method, path, body, design = self.pick()
            t0 = time.monotonic()
            headers = {"Content-Type": "application/octet-stream"} if body is not None else {}
            for attempt in (0, 1):
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                    used = False
                try:
                    conn.request(method, path, body=body, headers=headers)
                    r = conn.getresponse()
                    data = r.read()
                    used = True
                    reason = None if r.status == 200 else f"status {r.status}"
                    if r.getheader("X-Pid"):
                        with self.stats.lock:
                            self.stats.pids.add(r.getheader("X-Pid"))
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    del data
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError,
                        BrokenPipeError) as e:
                    conn.close()
                    conn = None
                    if used and attempt == 0:
                        with self.stats.lock:
                            self.stats.stale_retries += 1
                        continue
                    reason = type(e).__name__
                    break
                except (OSError, http.client.HTTPException) as e:
                    if conn:
                        conn.close()
                    conn = None
                    reason = type(e).__name__
                    break
            dt = time.monotonic() - t0
            with self.stats.lock:
                s = self.stats
                if reason is None:
                    s.sent += 1
                    s.ok += 1
                    s.lat.append(dt)
                elif self.stopping_at is not None and t0 >= self.stopping_at and \
                        reason in ("ConnectionRefusedError", "RemoteDisconnected",
                                   "ConnectionResetError", "BrokenPipeError"):
                    s.not_sent += 1
                else:
                    s.sent += 1
                    s.lat.append(dt)
                    if design:
                        s.by_design[f"{design} ({reason})"] += 1
                    else:
                        s.failed[f"{method} {path.split('?')[0]}: {reason}"] += 1
            if reason == "ConnectionRefusedError" and self.stopping_at is not None:
                time.sleep(0.05)
        if conn:
            conn.close()


def get(path, design=None):
    return lambda: ("GET", path, None, design)


# ---------------------------------------------------------------------------------------------
# raw sockets for slow and aborting clients


def raw_connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def abort(s, reset):
    if reset:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()


def multipart(size, boundary="faultsuiteboundary"):
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + b"u" * size + tail, f"multipart/form-data; boundary={boundary}"


def upload_request(port, size):
    body, ctype = multipart(size)
    head = (f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head, body


# ---------------------------------------------------------------------------------------------
# faults: each returns (Stats, notes, extra failed checks) while the caller handles rr


class Fault:
    def __init__(self, name, what, must_be_zero, rr_kwargs, body, skip=None):
        self.name, self.what, self.must_be_zero = name, what, must_be_zero
        self.rr_kwargs, self.body, self.skip = rr_kwargs, body, skip


def fault_kill_storm(rr, dur, post=False):
    notes, bad = [], []
    kills = 0
    pick = (lambda: ("POST", "/sleep?ms=5", b"x" * 64, "POST in flight on a killed worker")) \
        if post else get("/sleep?ms=5")
    with Load(rr.port, 8, pick) as load:
        end = time.monotonic() + dur
        while time.monotonic() < end:
            time.sleep(0.25)
            ws = rr.workers()
            if ws:
                try:
                    os.kill(random.choice(ws), signal.SIGKILL)
                    kills += 1
                except OSError:
                    pass
    notes.append(f"{kills} kill -9")
    return load.stats, notes, bad


def fault_plain_load(rr, dur, pick=None, threads=8):
    with Load(rr.port, threads, pick or get("/")) as load:
        time.sleep(dur)
    return load.stats


def fault_max_jobs(rr, dur):
    s = fault_plain_load(rr, dur)
    return s, [f"{len(s.pids)} worker pids answered (max_jobs 10)"], []


def fault_reset_loop(rr, dur):
    notes, bad = [], []
    resets = fails = 0
    with Load(rr.port, 8, get("/sleep?ms=2")) as load:
        end = time.monotonic() + dur
        while time.monotonic() < end:
            p = subprocess.run([rr.binary, "reset", "-s", "-c", rr.cfg, "-w", rr.dir],
                               capture_output=True, timeout=120)
            resets += 1
            if p.returncode != 0 or p.stderr:
                fails += 1
                bad.append(f"rr reset failed: {p.stderr.decode(errors='replace').strip()[:200]}")
            time.sleep(0.2)
    notes.append(f"{resets} rr reset, {fails} failed")
    return load.stats, notes, bad[:3]


def fault_graceful_stop(rr, dur):
    notes, bad = [], []
    load = Load(rr.port, 16, get("/sleep?ms=300"))
    with load:
        time.sleep(max(1.0, dur / 2))
        load.stopping_at = time.monotonic()
        rr.proc.send_signal(signal.SIGTERM)
        try:
            code = rr.proc.wait(60)
        except subprocess.TimeoutExpired:
            code = None
        took = time.monotonic() - load.stopping_at
    notes.append(f"stopped in {took:.1f}s, exit {code}")
    if code != 0:
        bad.append(f"exit code {code} after SIGTERM")
    return load.stats, notes, bad


def fault_exec_ttl(rr, dur):
    hang = Load(rr.port, 2, get("/hang", "request killed by exec_ttl"), timeout=30)
    with hang, Load(rr.port, 6, get("/")) as load:
        time.sleep(dur)
    s = load.stats
    s.by_design.update(hang.stats.by_design)
    s.failed.update(hang.stats.failed)
    s.sent += hang.stats.sent
    s.ok += hang.stats.ok
    return s, [f"{sum(hang.stats.by_design.values())} /hang requests ended by exec_ttl"], []


def fault_memory(rr, dur):
    s = fault_plain_load(rr, dur, get("/leak?mb=4"), threads=4)
    return s, [f"{len(s.pids)} worker pids answered (max_worker_memory 48 MB)"], []


def fault_garbage(rr, dur):
    def pick():
        if random.random() < 0.05:
            return "GET", "/garbage", None, "worker wrote garbage to its relay"
        return "GET", "/", None, None
    s = fault_plain_load(rr, dur, pick)
    return s, [], []


def slow_client(port, kind, stop, closed, hold):
    """loris: one header line every 0.2 s; body: one body byte every 0.2 s (both must be ended
    by the server: an answer or a close); read: asks for 4 MB and never reads."""
    try:
        s = raw_connect(port)
    except OSError:
        return
    s.settimeout(0.2)
    try:
        if kind == "read":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"GET /big?kb=4096 HTTP/1.1\r\nHost: x\r\n\r\n")
            stop.wait()
            hold.append(kind)
            return
        s.sendall(b"GET / HTTP/1.1\r\n" if kind == "loris" else
                  b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        while not stop.is_set():
            try:
                s.sendall(b"X-a: b\r\n" if kind == "loris" else b"z")
                s.recv(1, socket.MSG_PEEK)  # b"" (closed) or an answer: ended either way
                closed.append(kind)
                return
            except socket.timeout:
                continue
            except OSError:
                closed.append(kind)
                return
    finally:
        s.close()


def fault_slow_clients(rr, dur):
    stop = threading.Event()
    closed, hold = [], []
    kinds = ["loris"] * 30 + ["body"] * 15 + ["read"] * 15
    ts = [threading.Thread(target=slow_client, args=(rr.port, k, stop, closed, hold), daemon=True)
          for k in kinds]
    for t in ts:
        t.start()
    s = fault_plain_load(rr, dur)
    # read_header_timeout / read_timeout are 2 s / 3 s here: wait for the server to end them.
    wait_until(lambda: collections.Counter(closed)["loris"] + collections.Counter(closed)["body"]
               >= 45, 10.0, 0.2)
    stop.set()
    for t in ts:
        t.join(5)
    c = collections.Counter(closed)
    bad = []
    if c["loris"] < 30 or c["body"] < 15:
        bad.append(f"slow clients not ended by the server: loris {30 - c['loris']}, "
                   f"body {15 - c['body']}")
    return s, [f"ended by the server: slowloris {c['loris']}/30, slow body {c['body']}/15; "
               f"slow readers held {len(hold) + c['read']}"], bad


def aborting_client(port, stop, counts):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            s = raw_connect(port)
            if i % 2:
                head, body = upload_request(port, 2 << 20)
                s.sendall(head + body[: len(body) // 2])
                time.sleep(0.02)
                abort(s, reset=i % 4 == 1)
                counts["upload"] += 1
            else:
                s.sendall(b"GET /stream?n=200 HTTP/1.1\r\nHost: x\r\n\r\n")
                s.recv(2048)
                abort(s, reset=i % 4 == 0)
                counts["stream"] += 1
        except OSError:
            counts["error"] += 1


def fault_client_aborts(rr, dur):
    stop = threading.Event()
    counts = collections.Counter()
    ts = [threading.Thread(target=aborting_client, args=(rr.port, stop, counts), daemon=True)
          for _ in range(4)]
    for t in ts:
        t.start()
    s = fault_plain_load(rr, dur, threads=4)
    stop.set()
    for t in ts:
        t.join(10)
    # uploads that complete must still work and leave nothing behind
    ok_upload = check_upload(rr.port, 64 << 10)
    bad = [] if ok_upload == 0 else [f"an upload after the aborts got error {ok_upload}"]
    return s, [f"aborted uploads {counts['upload']}, aborted streams {counts['stream']}, "
               f"connect errors {counts['error']}"], bad


def check_upload(port, size):
    """Uploads `size` bytes; returns the file's error code (0 = stored), or -1."""
    head, body = upload_request(port, size)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("POST", "/upload", body=body,
                  headers={"Content-Type": multipart(0)[1]})
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            return -r.status
        files = json.loads(data)["files"]
        return files[0]["error"] if files else -1
    except (OSError, ValueError, KeyError, http.client.HTTPException):
        return -1
    finally:
        c.close()


def fault_idle_connections(rr, dur, n):
    socks, refused = [], 0
    for _ in range(n):
        try:
            socks.append(raw_connect(rr.port))
        except OSError:
            refused += 1
    s = fault_plain_load(rr, dur)
    for x in socks:
        x.close()
    bad = [f"{refused} idle connections refused"] if refused else []
    return s, [f"{len(socks)} idle connections held during the load"], bad


def tmpfs_mount(path, size="1m"):
    if os.geteuid() != 0:
        return "not root"
    os.makedirs(path, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path],
                       capture_output=True)
    return None if p.returncode == 0 else p.stderr.decode(errors="replace").strip()


def fault_full_disk(rr, dur):
    counts = collections.Counter()
    end = time.monotonic() + dur
    with Load(rr.port, 4, get("/")) as load:
        while time.monotonic() < end:
            counts[check_upload(rr.port, 2 << 20)] += 1  # 2 MB into a 1 MB tmpfs
            counts[f"small:{check_upload(rr.port, 4 << 10)}"] += 1
    bad = []
    if counts.get(0):
        bad.append("a 2 MB upload was stored on a 1 MB filesystem")
    if any(k.startswith("small:") and k != "small:0" for k in counts if isinstance(k, str)):
        bad.append(f"small uploads failed beside the full ones: {dict(counts)}")
    return load.stats, [f"upload results (file error codes): {dict(counts)}"], bad


# ---------------------------------------------------------------------------------------------


def faults(long_run):
    idle_n = 10000 if long_run else 1000
    tmpfs_dir = os.path.join(tempfile.gettempdir(), f"rr-faults-tmpfs-{os.getpid()}")
    sup = "    supervisor:\n      watch_tick: 100ms\n"
    limits = ("  limits:\n    read_header_timeout: 2s\n    read_timeout: 3s\n"
              "    write_timeout: 3s\n")
    return [
        Fault("kill_storm", "kill -9 a worker every 250 ms, GET load (retried)", True,
              dict(workers=4), fault_kill_storm),
        Fault("kill_storm_post", "kill -9 a worker every 250 ms, POST load (not retried)", False,
              dict(workers=4), lambda rr, d: fault_kill_storm(rr, d, post=True)),
        Fault("max_jobs", "max_jobs: 10 recycling under load", True,
              dict(workers=2, pool_extra="    max_jobs: 10\n"), fault_max_jobs),
        Fault("reset_loop", "rr reset in a loop under load", True,
              dict(workers=2, rpc=True), fault_reset_loop),
        Fault("graceful_stop", "SIGTERM under load of 300 ms requests", True,
              dict(workers=4), fault_graceful_stop),
        Fault("exec_ttl", "hanging requests killed by exec_ttl: 1s beside normal load", True,
              dict(workers=4, pool_extra=sup + "      exec_ttl: 1s\n"), fault_exec_ttl),
        Fault("memory_leak", "workers leak 4 MB a request, max_worker_memory: 48", True,
              dict(workers=2, pool_extra=sup + "      max_worker_memory: 48\n"), fault_memory),
        Fault("stdout_garbage", "5% of requests make the worker write junk to STDOUT", True,
              dict(workers=2), fault_garbage),
        Fault("slow_clients", "30 slowloris, 15 slow bodies, 15 slow readers beside load", True,
              dict(workers=2, http_extra=limits), fault_slow_clients),
        Fault("client_aborts", "clients abort mid-upload (2 MB) and mid-stream", True,
              dict(workers=2), fault_client_aborts),
        Fault("idle_connections", f"{idle_n} idle connections beside load", True,
              dict(workers=2), lambda rr, d: fault_idle_connections(rr, d, idle_n)),
        Fault("full_disk", "2 MB uploads into a 1 MB tmpfs uploads dir", True,
              dict(workers=2, uploads=tmpfs_dir), fault_full_disk,
              skip=lambda: tmpfs_mount(tmpfs_dir)),
    ], tmpfs_dir


def run_fault(f, binary, dur):
    skip_reason = f.skip() if f.skip else None
    if skip_reason:
        log(f"{f.name:17} SKIP  {f.what}: cannot mount a tmpfs ({skip_reason})")
        return "skip"
    rr = Rr(binary, **f.rr_kwargs)
    checks = []
    try:
        rr.start()
        with Load(rr.port, 4, get("/")) as warm:
            time.sleep(0.5)
        base_fd, base_rss = fd_count(rr.pid), rss_mb(rr.pid)
        stats, notes, bad = f.body(rr, dur)
        checks += bad
        if rr.proc.poll() is None:
            # settle: connections close, replacements boot, temp files go
            fd_ok = wait_until(lambda: fd_count(rr.pid) <= base_fd + 2, 15.0, 0.2)
            if not fd_ok:
                checks.append(f"fd leak: {fd_count(rr.pid)} open, {base_fd} before")
            if not wait_until(lambda: not rr.zombies(), 5.0):
                checks.append(f"zombies: {rr.zombies()}")
            if not wait_until(lambda: not os.listdir(rr.uploads), 10.0, 0.2):
                checks.append(f"temp files left: {os.listdir(rr.uploads)[:5]}")
            rss = rss_mb(rr.pid)
            if rss > base_rss * 1.5 + 64:
                checks.append(f"rr RSS {rss:.0f} MB after, {base_rss:.0f} MB before")
            if rr.get("/") != 200:
                checks.append("rr does not answer after the fault")
            notes.append(f"rr fds {base_fd}->{fd_count(rr.pid)}, RSS {base_rss:.0f}->{rss:.0f} MB")
        code, left = rr.stop()
        if code != 0:
            checks.append(f"exit code {code} at stop")
        if left:
            checks.append(f"processes left after stop: {left}")
    except Exception as e:  # report, and go on with the next fault
        rr.stop()
        log(f"{f.name:17} FAIL  {e}")
        rr.cleanup()
        return "fail"
    failed = sum(stats.failed.values())
    designed = sum(stats.by_design.values())
    if failed:
        checks.append(f"{failed} unexpected failures")
    verdict = "FAIL" if checks else "ok"
    log(f"{f.name:17} {verdict:4}  sent {stats.sent}, ok {stats.ok}, failed {failed}, "
        f"by design {designed}, p50 {stats.p(0.5):.1f} ms, p99 {stats.p(0.99):.1f} ms  — {f.what}")
    for reason, n in stats.failed.most_common():
        log(f"{'':23}failed: {n} × {reason}")
    for reason, n in stats.by_design.most_common():
        log(f"{'':23}by design: {n} × {reason}")
    extra = []
    if stats.stale_retries:
        extra.append(f"{stats.stale_retries} client re-sends on a closed keep-alive connection")
    if stats.not_sent:
        extra.append(f"{stats.not_sent} not sent: server stopping")
    for n in notes + extra:
        log(f"{'':23}{n}")
    for c in checks:
        log(f"{'':23}CHECK FAILED: {c}")
    if checks:
        log(f"{'':23}rr log tail:\n{rr.tail()}")
    rr.cleanup()
    return "fail" if checks else "ok"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rr", required=True)
    ap.add_argument("--long", action="store_true", help="60 s per fault and 10k idle conns")
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--only", default="")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    dur = a.seconds or (60.0 if a.long else 5.0)
    fs, tmpfs_dir = faults(a.long)
    if a.list:
        for f in fs:
            print(f"{f.name:17} {f.what}")
        return 0
    only = set(filter(None, a.only.split(",")))
    results = collections.Counter()
    log(f"fault suite: rr {a.rr}, {dur:.0f} s per fault")
    try:
        for f in fs:
            if only and f.name not in only:
                continue
            results[run_fault(f, a.rr, dur)] += 1
    finally:
        if os.path.ismount(tmpfs_dir):
            subprocess.run(["umount", tmpfs_dir], check=False)
        if os.path.isdir(tmpfs_dir):
            subprocess.run(["rm", "-rf", tmpfs_dir], check=False)
    log(f"fault suite: {results['ok']} ok, {results['fail']} failed, {results['skip']} skipped")
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
