#!/usr/bin/python3
"""Checks of the deployment files under deploy/ (docs/deploy.md), run by ctest.

    check_deploy.py systemd    <repo> <rr binary>
    check_deploy.py dockerfile <repo> <rr binary>
    check_deploy.py kubernetes <repo>

Each prints what it checked and exits 1 with the reasons when something is wrong. They check
what the files promise to each other: the unit's stop timeout covers endure.grace_period, the
image installs every shared library the rr binary links, the probes hit the status plugin's
port, terminationGracePeriodSeconds covers preStop + grace_period, selectors match, ...
Docker and Kubernetes cannot run on the build machines: these are structural checks (hadolint
and a Kubernetes schema validator are not in Debian 12).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

errors = []


def fail(msg):
    errors.append(msg)


def finish(what):
    if errors:
        for e in errors:
            print(f"FAIL {what}: {e}")
        sys.exit(1)
    print(f"ok: {what}")
    sys.exit(0)


def duration_seconds(text):
    """Go duration ("30s", "1m30s", "500ms") or a bare number of seconds."""
    text = str(text).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    total = 0.0
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6, "ns": 1e-9}
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", text):
        total += float(num) * units[unit]
    return total


def port_of(address):
    return int(str(address).rsplit(":", 1)[1])


def load_rr_config(text):
    cfg = yaml.safe_load(text)
    if not isinstance(cfg, dict) or str(cfg.get("version")) != "3":
        fail("the .rr.yaml must be a map with version: \"3\"")
        return {}
    for section in ("server", "http", "status", "metrics"):
        if section not in cfg:
            fail(f".rr.yaml has no `{section}` section")
    return cfg


def grace_period(cfg):
    return duration_seconds(cfg.get("endure", {}).get("grace_period", "30s"))


# ---------------------------------------------------------------------------------------------
# systemd


def check_systemd(repo, rr):
    unit_path = os.path.join(repo, "deploy/systemd/rr.service")
    text = open(unit_path).read()
    cfg = load_rr_config(open(os.path.join(repo, "deploy/rr.yaml")).read())

    keys = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        k, _, v = line.partition("=")
        keys.setdefault(k.strip(), []).append(v.strip())

    def one(k):
        return keys.get(k, [None])[-1]

    if one("Type") != "notify":
        fail("Type= must be notify (rr sends READY=1 when every plugin is up)")
    if not re.search(r"/rr reset( |$)", one("ExecReload") or ""):
        fail("ExecReload= must run `rr reset`")
    if one("LimitNOFILE") is None:
        fail("LimitNOFILE= is missing")
    if one("KillMode") != "mixed":
        fail("KillMode= should be mixed (SIGTERM to rr, SIGKILL to what is left at the end)")
    stop = duration_seconds(one("TimeoutStopSec") or "0")
    if stop <= grace_period(cfg):
        fail(f"TimeoutStopSec={stop}s must exceed endure.grace_period ({grace_period(cfg)}s)")
    for k in ("NoNewPrivileges", "ProtectSystem", "PrivateTmp", "ProtectHome",
              "RestrictAddressFamilies", "SystemCallFilter", "CapabilityBoundingSet"):
        if one(k) is None:
            fail(f"hardening option {k}= is missing")
    if one("User") in (None, "root", "0"):
        fail("User= must name an unprivileged user")

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        fail("systemd-analyze not found (Debian package systemd)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        # verify needs ExecStart/ExecReload to exist and be executable: point them at the build.
        local = os.path.join(tmp, "rr.service")
        with open(local, "w") as f:
            f.write(text.replace("/usr/local/bin/rr", os.path.abspath(rr)))
        r = subprocess.run([analyze, "verify", local], capture_output=True, text=True)
        out = (r.stdout + r.stderr).strip()
        if r.returncode != 0 or out:
            # Unknown keys are only warnings for systemd-analyze: any output is a failure here.
            fail("systemd-analyze verify:\n" + out)
        r = subprocess.run([analyze, "security", "--offline=yes", "--threshold=25", local],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("systemd-analyze security: exposure above 2.5:\n" + r.stdout[-2000:])


# ---------------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_instructions(text):
    """(INSTRUCTION, arguments) with continuations joined and comments dropped."""
    out = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        instr, _, args = line.partition(" ")
        out.append((instr.upper(), args.strip()))
    if pending:
        fail("Dockerfile ends inside a line continuation")
    return out


BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}  # in debian:12-slim
SANITIZER_LIBS = ("libasan", "libubsan", "liblsan", "libtsan")


def package_of(path):
    real = os.path.realpath(path)
    candidates = {real, path}
    for p in list(candidates):  # usrmerge: /lib and /usr/lib are the same directory
        if p.startswith("/usr/lib/"):
            candidates.add(p[len("/usr"):])
        elif p.startswith("/lib/"):
            candidates.add("/usr" + p)
    for p in candidates:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].strip()
    return None


def check_dockerfile(repo, rr):
    path = os.path.join(repo, "deploy/container/Dockerfile")
    instrs = dockerfile_instructions(open(path).read())
    cfg = load_rr_config(open(os.path.join(repo, "deploy/rr.yaml")).read())

    stages = []  # (name, [instructions])
    for instr, args in instrs:
        if instr == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append({"image": parts[0], "name": name, "instrs": []})
        elif not stages:
            if instr != "ARG":
                fail(f"{instr} before the first FROM")
        else:
            stages[-1]["instrs"].append((instr, args))
    if len(stages) < 2:
        fail("the build must be multi-stage (a build stage and a runtime stage)")
        return
    names = [s["name"] for s in stages if s["name"]]
    for s in stages:
        if not re.fullmatch(r"debian:12(-slim)?(@sha256:[0-9a-f]{64})?", s["image"]):
            fail(f"FROM {s['image']}: every stage must be Debian 12 (debian:12 or debian:12-slim)")
    final = stages[-1]
    final_instrs = final["instrs"]

    def final_args(kind):
        return [a for i, a in final_instrs if i == kind]

    users = final_args("USER")
    if not users or users[-1].split(":")[0] in ("root", "0"):
        fail("the runtime stage must end with a non-root USER")
    health = final_args("HEALTHCHECK")
    status_port = port_of(cfg.get("status", {}).get("address", ":0"))
    if not health or "/health" not in health[-1] or f":{status_port}/" not in health[-1]:
        fail(f"the runtime stage needs a HEALTHCHECK on the status plugin's /health "
             f"(port {status_port} in deploy/rr.yaml)")
    exposed = set()
    for a in final_args("EXPOSE"):
        exposed.update(int(p.split("/")[0]) for p in a.split())
    for section in ("http", "metrics", "status"):
        key = "address"
        port = port_of(cfg[section][key]) if section in cfg else None
        if port is not None and port not in exposed:
            fail(f"EXPOSE is missing the {section} port {port} of deploy/rr.yaml")
    for kind in ("ENTRYPOINT", "CMD"):
        args = final_args(kind)
        if not args or not args[-1].startswith("["):
            fail(f"{kind} must be in exec form (signals reach rr, not a shell)")
    for stage in stages:
        for instr, args in stage["instrs"]:
            if instr == "COPY":
                m = re.search(r"--from=(\S+)", args)
                if m and m.group(1) not in names:
                    fail(f"COPY --from={m.group(1)}: no stage of that name")
                if not m:
                    sources = [a for a in shlex.split(args) if not a.startswith("--")][:-1]
                    for src in sources:
                        if src != "." and not os.path.exists(os.path.join(repo, src)):
                            fail(f"COPY {src}: not in the repository")
            if instr == "RUN" and "apt-get install" in args:
                if "--no-install-recommends" not in args:
                    fail("apt-get install without --no-install-recommends")
                if "rm -rf /var/lib/apt/lists" not in args:
                    fail("apt-get install without removing /var/lib/apt/lists in the same RUN")
                if "apt-get update" not in args:
                    fail("apt-get install without apt-get update in the same RUN")

    # Every shared library the binary needs comes from the base image or the runtime stage.
    installed = set(BASE_IMAGE_PACKAGES)
    for instr, args in final_instrs:
        if instr == "RUN":
            m = re.search(r"apt-get install ((?:\S+\s*)+?)(?:&&|$)", args)
            if m:
                installed.update(w for w in m.group(1).split() if not w.startswith("-"))
    r = subprocess.run(["ldd", rr], capture_output=True, text=True)
    if r.returncode != 0:
        fail("ldd " + rr + ": " + r.stderr)
        return
    for line in r.stdout.splitlines():
        m = re.match(r"\s*(\S+) => (/\S+)", line)
        if not m or m.group(1).startswith(SANITIZER_LIBS):
            continue
        pkg = package_of(m.group(2))
        if pkg is None:
            fail(f"{m.group(1)}: no Debian package provides {m.group(2)}")
        elif pkg not in installed:
            fail(f"{m.group(1)} comes from {pkg}, which the runtime stage does not install")


# ---------------------------------------------------------------------------------------------
# Kubernetes

KNOWN_KINDS = {
    ("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "Deployment"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
}
# Pod metrics an HPA may use: series rr exposes per pod (docs/metrics.md).
RR_POD_METRICS = {"rr_http_requests_queue", "rr_http_workers_working", "rr_http_workers_ready",
                  "rr_http_total_workers"}


def probe_port(container, probe):
    port = probe.get("httpGet", {}).get("port")
    for p in container.get("ports", []):
        if port in (p.get("name"), p.get("containerPort")):
            return p.get("containerPort")
    fail(f"probe port {port!r} is not a port of container {container.get('name')}")
    return None


def check_kubernetes(repo):
    directory = os.path.join(repo, "deploy/kubernetes")
    docs = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".yaml"):
            for doc in yaml.safe_load_all(open(os.path.join(directory, name))):
                if doc is not None:
                    docs.append((name, doc))
    by_kind = {}
    for name, doc in docs:
        kind = (doc.get("apiVersion"), doc.get("kind"))
        if kind not in KNOWN_KINDS:
            fail(f"{name}: unexpected apiVersion/kind {kind}")
        if not doc.get("metadata", {}).get("name"):
            fail(f"{name}: metadata.name is missing")
        by_kind.setdefault(doc.get("kind"), []).append(doc)

    deployments = by_kind.get("Deployment", [])
    if len(deployments) != 1:
        fail("expected exactly one Deployment")
        return
    dep = deployments[0]
    spec = dep["spec"]
    pod = spec["template"]
    labels = pod["metadata"].get("labels", {})
    for k, v in spec["selector"]["matchLabels"].items():
        if labels.get(k) != v:
            fail(f"Deployment selector {k}={v} does not match the pod labels")
    pod_spec = pod["spec"]
    containers = pod_spec["containers"]
    rr = containers[0]

    # The config the pod runs: a ConfigMap mounted where `-c` points.
    args = rr.get("args", [])
    if "-c" not in args:
        fail("the rr container must be given its config with -c")
        return
    config_path = args[args.index("-c") + 1]
    config_dir, config_key = os.path.split(config_path)
    mounts = {m["name"]: m["mountPath"] for m in rr.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
    maps = {m["metadata"]["name"]: m for m in by_kind.get("ConfigMap", [])}
    rr_cfg = None
    for vname, mount in mounts.items():
        if mount.rstrip("/") == config_dir:
            cm_name = volumes.get(vname, {}).get("configMap", {}).get("name")
            if cm_name not in maps:
                fail(f"volume {vname} refers to ConfigMap {cm_name!r}, which is not defined")
            elif config_key not in maps[cm_name].get("data", {}):
                fail(f"ConfigMap {cm_name} has no key {config_key}")
            else:
                rr_cfg = load_rr_config(maps[cm_name]["data"][config_key])
    if rr_cfg is None:
        fail(f"no ConfigMap volume is mounted at {config_dir}")
        return

    status_address = str(rr_cfg["status"]["address"])
    status_port = port_of(status_address)
    if status_address.startswith(("127.", "localhost", "[::1]")):
        fail("status.address listens on loopback: the kubelet probes the pod IP")
    ready = rr.get("readinessProbe")
    live = rr.get("livenessProbe")
    if not ready or not ready.get("httpGet", {}).get("path", "").startswith("/ready"):
        fail("readinessProbe must GET the status plugin's /ready")
    elif probe_port(rr, ready) != status_port:
        fail(f"readinessProbe does not hit status.address port {status_port}")
    if not live or not live.get("httpGet", {}).get("path", "").startswith("/health"):
        fail("livenessProbe must GET the status plugin's /health")
    elif probe_port(rr, live) != status_port:
        fail(f"livenessProbe does not hit status.address port {status_port}")

    pre_stop = rr.get("lifecycle", {}).get("preStop")
    pre_stop_seconds = 0
    if not pre_stop:
        fail("the rr container needs a preStop hook (endpoints are removed before SIGTERM)")
    else:
        cmd = pre_stop.get("exec", {}).get("command", [])
        if pre_stop.get("sleep"):
            pre_stop_seconds = int(pre_stop["sleep"]["seconds"])
        elif len(cmd) == 2 and cmd[0] == "sleep":
            pre_stop_seconds = int(cmd[1])
        else:
            fail("preStop should sleep (exec sleep N, or the sleep action)")
    grace = grace_period(rr_cfg)
    tgps = pod_spec.get("terminationGracePeriodSeconds", 30)
    if tgps <= pre_stop_seconds + grace:
        fail(f"terminationGracePeriodSeconds={tgps} must exceed preStop ({pre_stop_seconds}s) + "
             f"endure.grace_period ({grace}s)")
    sc = pod_spec.get("securityContext", {})
    if not sc.get("runAsNonRoot"):
        fail("the pod must run as non-root (securityContext.runAsNonRoot)")

    named_ports = {p.get("name"): p.get("containerPort") for p in rr.get("ports", [])}
    for section, port_name in (("http", "http"), ("metrics", "metrics")):
        want = port_of(rr_cfg[section]["address"])
        if named_ports.get(port_name) != want:
            fail(f"container port {port_name} must be {section}.address's port {want}")

    for svc in by_kind.get("Service", []):
        for k, v in svc["spec"].get("selector", {}).items():
            if labels.get(k) != v:
                fail(f"Service {svc['metadata']['name']} selector {k}={v} matches no pod label")
        for p in svc["spec"].get("ports", []):
            target = p.get("targetPort", p.get("port"))
            if target not in named_ports and target not in named_ports.values():
                fail(f"Service port {p.get('name')}: targetPort {target!r} is not a container port")

    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        ref = hpa["spec"]["scaleTargetRef"]
        if ref.get("kind") != "Deployment" or ref.get("name") != dep["metadata"]["name"]:
            fail(f"HPA {hpa['metadata']['name']} does not target the Deployment")
        if hpa["spec"].get("minReplicas", 1) > hpa["spec"]["maxReplicas"]:
            fail("HPA minReplicas > maxReplicas")
        for m in hpa["spec"].get("metrics", []):
            if m.get("type") == "Pods":
                name = m["pods"]["metric"]["name"]
                if name not in RR_POD_METRICS:
                    fail(f"HPA metric {name} is not a series rr exposes")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    what, repo = sys.argv[1], sys.argv[2]
    if what == "systemd":
        check_systemd(repo, sys.argv[3])
    elif what == "dockerfile":
        check_dockerfile(repo, sys.argv[3])
    elif what == "kubernetes":
        check_kubernetes(repo)
    else:
        print(__doc__)
        sys.exit(2)
    finish(what)


if __name__ == "__main__":
    main()
