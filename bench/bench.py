#!/usr/bin/env python3
"""Agent Router Desktop benchmark (issue 8). Started by bench/run.sh, which installs and builds what
this needs; see bench/README.md.

Measures, in one run on this machine, with the gateway under test pinned to core 0 and the load
generator and the mock upstream pinned to core 1:
  mock         the mock OpenAI upstream itself (no hop)
  nginx        nginx as a bare reverse proxy with a keep-alive upstream (the floor: one proxy hop)
  portkey      the Portkey AI gateway from npm (bench/portkey), OpenAI provider with a custom host
  agentrouter  `agentrouter serve` with workers=1 and a real minted key
Cases (case-major: each case runs against every target before the next case): chat at 1, 16 and
64 connections and embeddings at 16 (wrk + bench/wrk/post.lua); streams at 1 and 16 with no delay
and at 64 with 10 ms between chunks (bench/client/sse_client.c). Each case runs in interleaved
rounds: every target gets its share of the case's time in each round, in an order rotated per round,
so the machine's drift over seconds to minutes lands on every target about equally.
Writes a table to stdout and bench/out/results.json.
"""
import argparse
import atexit
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
BIN = os.path.join(OUT, "bin")
LOGS = os.path.join(OUT, "logs")
TICK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1
GW_CORE, LOAD_CORE = "0", "1"
MOCK_KEY = "sk-bench-mock-upstream"
TARGETS = ["mock", "nginx", "portkey", "agentrouter", "agentrouter-noledger", "agentrouter-gui"]
# The bench key has a policy, so the rate limiter and the cost controls run on every request;
# its limits are far above what the run reaches.
BENCH_KEY_POLICY = ["--rpm", "100000000", "--tpm", "100000000000", "--max-concurrent", "100000"]
PORTKEY_ENTRY = os.path.join(BENCH, "portkey", "node_modules", "@portkey-ai", "gateway", "build", "start-server.js")

CASES = [
    # name, kind, connections, endpoint or delay
    {"name": "chat-1", "kind": "wrk", "conns": 1, "endpoint": "chat"},
    {"name": "chat-16", "kind": "wrk", "conns": 16, "endpoint": "chat"},
    {"name": "chat-64", "kind": "wrk", "conns": 64, "endpoint": "chat"},
    {"name": "emb-16", "kind": "wrk", "conns": 16, "endpoint": "embeddings"},
    {"name": "stream-1", "kind": "stream", "conns": 1, "delay_ms": 0},
    {"name": "stream-16", "kind": "stream", "conns": 16, "delay_ms": 0},
    {"name": "stream-64-paced", "kind": "stream", "conns": 64, "delay_ms": 10},
]
PATHS = {"chat": "/v1/chat/completions", "embeddings": "/v1/embeddings"}
BODIES = {
    "chat": {"model": "gpt-4o-mini", "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Say hello in one short sentence."}]},
    "embeddings": {"model": "text-embedding-3-small", "input": "The quick brown fox jumps over the lazy dog."},
}

procs = []  # every process this run started, ended at exit


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg):
    log("bench: " + msg)
    sys.exit(1)


def cleanup():
    for p in reversed(procs):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
    deadline = time.time() + 3
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def start(cmd, core, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None, cwd=None):
    p = subprocess.Popen(["taskset", "-c", core] + cmd, stdout=stdout, stderr=stderr, env=env, cwd=cwd,
                         start_new_session=True)
    procs.append(p)
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_line_matching(p, pattern, timeout, what):
    """Reads p.stdout lines until one matches; returns the match."""
    deadline = time.time() + timeout
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf = b""
    while time.time() < deadline:
        if p.poll() is not None:
            die(f"{what} exited with code {p.returncode} before it was ready")
        for _ in sel.select(timeout=0.1):
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                continue
            buf += chunk
            m = re.search(pattern.encode(), buf)
            if m:
                return m
    die(f"{what} did not start within {timeout}s (output: {buf[-500:]!r})")


# ---------------------------------------------------------------- /proc readings

def proc_tree(pid):
    """pid and all its descendants."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            ppid = int(s[s.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError):
            pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                s = f.read()
            fields = s[s.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        except (OSError, ValueError):
            pass
    return total


def mem_kb(pids, key):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def proc_stat():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal guest guest_nice
    return {"busy": v[0] + v[1] + v[2], "steal": v[7] if len(v) > 7 else 0, "all": sum(v[:8])}


# ---------------------------------------------------------------- targets

class Target:
    def __init__(self, name, port, proc, headers):
        self.name, self.port, self.proc, self.headers = name, port, proc, headers
        self.pids = proc_tree(proc.pid)
        # taskset execs the command, so proc.pid is the program itself
        self.idle_rss_kb = None

    def refresh_pids(self):
        self.pids = proc_tree(self.proc.pid)

    def cpu(self):
        return cpu_ticks(self.pids)

    def rss_kb(self):
        return mem_kb(self.pids, "VmRSS")

    def hwm_kb(self):
        return mem_kb(self.pids, "VmHWM")


def http_json(port, path, body, headers, timeout=10):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **headers}, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def wait_ready(port, path, body, headers, what, timeout=30):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            status, data = http_json(port, path, body, headers, timeout=5)
            if status == 200:
                return data
            last = f"HTTP {status}"
        except Exception as e:  # noqa: BLE001 - any failure means not ready yet
            last = repr(e)
        time.sleep(0.2)
    die(f"{what} did not answer {path} within {timeout}s: {last}")


def start_mock(core, label):
    p = start([os.path.join(BIN, "mock_upstream"), "--port", "0"], core, stdout=subprocess.PIPE)
    port = int(read_line_matching(p, r"mock listening on (\d+)", 10, label).group(1))
    return p, port


def nginx_conf(mock_port, proxy_port, static_port, prefix):
    chat = subprocess.check_output([os.path.join(BIN, "mock_upstream"), "--dump", "chat"]).decode()
    emb = subprocess.check_output([os.path.join(BIN, "mock_upstream"), "--dump", "embeddings"]).decode()
    assert "'" not in chat and "$" not in chat and "\\" not in chat
    os.makedirs(os.path.join(prefix, "static", "v1"), exist_ok=True)
    with open(os.path.join(prefix, "static", "v1", "embeddings"), "w") as f:
        f.write(emb)  # too long for a return directive: a static file, POST answered via error_page 405
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"  {k}_temp_path {prefix}/tmp/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp}
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  upstream mock {{
    server 127.0.0.1:{mock_port};
    keepalive 256;
    keepalive_requests 1000000;
  }}
  # the bare reverse proxy
  server {{
    listen 127.0.0.1:{proxy_port} backlog=4096;
    location / {{
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }}
  }}
  # the same bodies as the mock's, answered by nginx itself (the mock's speed check)
  server {{
    listen 127.0.0.1:{static_port} backlog=4096;
    default_type application/json;
    location = /v1/chat/completions {{ return 200 '{chat}'; }}
    location = /v1/embeddings {{ root {prefix}/static; error_page 405 =200 $uri; }}
  }}
}}
"""


def start_nginx(mock_port):
    prefix = os.path.join(OUT, "nginx")
    shutil.rmtree(prefix, ignore_errors=True)
    os.makedirs(os.path.join(prefix, "tmp"))
    proxy_port, static_port = free_port(), free_port()
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_conf(mock_port, proxy_port, static_port, prefix))
    err = open(os.path.join(LOGS, "nginx.stderr"), "wb")
    p = start(["nginx", "-p", prefix, "-c", conf, "-e", os.path.join(prefix, "error.log")], GW_CORE, stderr=err)
    wait_ready(proxy_port, PATHS["chat"], BODIES["chat"], {}, "nginx")
    return p, proxy_port, static_port


def start_portkey(mock_port):
    if not os.path.exists(PORTKEY_ENTRY):
        die(f"Portkey is not installed ({PORTKEY_ENTRY}); bench/run.sh runs npm ci in bench/portkey")
    port = free_port()
    env = dict(os.environ, NODE_ENV="production")
    out = open(os.path.join(LOGS, "portkey.log"), "wb")
    p = start(["node", PORTKEY_ENTRY, f"--port={port}", "--headless"], GW_CORE, stdout=out, stderr=subprocess.STDOUT,
              env=env, cwd=os.path.join(BENCH, "portkey"))
    headers = {"x-portkey-provider": "openai", "x-portkey-custom-host": f"http://127.0.0.1:{mock_port}/v1",
               "Authorization": f"Bearer {MOCK_KEY}"}
    wait_ready(port, PATHS["chat"], BODIES["chat"], headers, "portkey", timeout=60)
    return p, port, headers


def start_agentrouter(binary, mock_port, log_path, ledger=True, tag=""):
    """Agent Router in serve mode; ledger=False is the same gateway with the usage ledger off."""
    data = os.path.join(OUT, ("agentrouter-data" if ledger else "agentrouter-noledger-data") + tag)
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    cfg = {
        "server": {"bind": "127.0.0.1", "port": 0, "workers": 1},
        "providers": [{"id": "mock", "type": "openai-compatible", "base_url": f"http://127.0.0.1:{mock_port}/v1",
                       "api_key_env": "BENCH_MOCK_API_KEY"}],
        "routes": [
            {"model": "gpt-4o-mini", "targets": [{"provider": "mock", "model": "gpt-4o-mini"}]},
            {"model": "text-embedding-3-small", "targets": [{"provider": "mock", "model": "text-embedding-3-small"}]},
        ],
        "usage": {"ledger": ledger},  # issue 8 measures with the ledger on; off only for comparison
    }
    cfg_path = os.path.join(OUT, f"agentrouter{tag}-config.json" if ledger else f"agentrouter-noledger{tag}-config.json")
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=2)
    env = dict(os.environ, BENCH_MOCK_API_KEY=MOCK_KEY)
    r = subprocess.run([binary, "keys", "create", "--name", "bench", "--config", cfg_path, "--data-dir", data]
                       + BENCH_KEY_POLICY,
                       capture_output=True, text=True, env=env, timeout=60)
    if r.returncode != 0 and "'rpm' must be a whole number from 0 to 1000000" in r.stdout + r.stderr:
        # A build from before rpm went past 1,000,000 (a --baseline): its own maximum.
        policy = BENCH_KEY_POLICY[:]
        policy[policy.index("--rpm") + 1] = "1000000"
        r = subprocess.run([binary, "keys", "create", "--name", "bench", "--config", cfg_path, "--data-dir", data]
                           + policy, capture_output=True, text=True, env=env, timeout=60)
    m = re.search(r"sk-ar-[A-Za-z0-9._~+/=-]+", r.stdout)
    if r.returncode != 0 or not m:
        die(f"agentrouter keys create failed ({r.returncode}): {r.stdout} {r.stderr}")
    key = m.group(0)
    err = open(log_path, "wb")
    p = start([binary, "serve", "--config", cfg_path, "--data-dir", data, "--port", "0"], GW_CORE,
              stdout=subprocess.PIPE, stderr=err, env=env)
    port = int(read_line_matching(p, r"listening on http://127\.0\.0\.1:(\d+)/v1", 30, "agentrouter").group(1))
    headers = {"Authorization": f"Bearer {key}"}
    wait_ready(port, PATHS["chat"], BODIES["chat"], headers, "agentrouter")
    return p, port, headers


def start_agentrouter_gui(binary, mock_port, log_path):
    """The desktop app (no arguments) with its window on the Live log page, under its own Xvfb,
    configured like start_agentrouter through XDG_CONFIG_HOME / XDG_DATA_HOME of its own."""
    home = os.path.join(OUT, "agentrouter-gui-home")
    shutil.rmtree(home, ignore_errors=True)
    cfg_home, data_home = os.path.join(home, "config"), os.path.join(home, "data")
    app_cfg = os.path.join(cfg_home, "agentrouter", "agentrouter")  # Qt's AppConfigLocation
    os.makedirs(app_cfg)
    port = free_port()
    cfg = {
        "server": {"bind": "127.0.0.1", "port": port, "workers": 1},
        "providers": [{"id": "mock", "type": "openai-compatible", "base_url": f"http://127.0.0.1:{mock_port}/v1",
                       "api_key_env": "BENCH_MOCK_API_KEY"}],
        "routes": [
            {"model": "gpt-4o-mini", "targets": [{"provider": "mock", "model": "gpt-4o-mini"}]},
            {"model": "text-embedding-3-small", "targets": [{"provider": "mock", "model": "text-embedding-3-small"}]},
        ],
        "usage": {"ledger": True},
    }
    with open(os.path.join(app_cfg, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(cfg_home, "agentrouter", "agentrouter.conf"), "w") as f:
        f.write("[window]\npage=1\n")  # MainWindow::LiveLog
    env = dict(os.environ, XDG_CONFIG_HOME=cfg_home, XDG_DATA_HOME=data_home, BENCH_MOCK_API_KEY=MOCK_KEY)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no keychain: the window says so and serves anyway
    r = subprocess.run([binary, "keys", "create", "--name", "bench"] + BENCH_KEY_POLICY,
                       capture_output=True, text=True, env=env, timeout=60)
    m = re.search(r"sk-ar-[A-Za-z0-9._~+/=-]+", r.stdout)
    if r.returncode != 0 or not m:
        die(f"agentrouter keys create (GUI home) failed ({r.returncode}): {r.stdout} {r.stderr}")
    display = next(d for d in range(90, 200) if not os.path.exists(f"/tmp/.X11-unix/X{d}") and
                   not os.path.exists(f"/tmp/.X{d}-lock"))
    # The display server works for the window, but it is not the gateway: it goes with the load.
    start(["Xvfb", f":{display}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"], LOAD_CORE)
    time.sleep(1.0)
    env.update(DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
    p = start([binary], GW_CORE, stderr=open(log_path, "wb"), env=env)
    headers = {"Authorization": f"Bearer {m.group(0)}"}
    wait_ready(port, PATHS["chat"], BODIES["chat"], headers, "agentrouter (window)", timeout=90)
    return p, port, headers


def sanity(t):
    """Checks each endpoint once through the target; returns a list of problems."""
    problems = []
    try:
        st, data = http_json(t.port, PATHS["chat"], BODIES["chat"], t.headers)
        j = json.loads(data)
        if st != 200 or j.get("object") != "chat.completion" or "usage" not in j:
            problems.append(f"chat: unexpected answer {data[:200]!r}")
    except Exception as e:  # noqa: BLE001
        problems.append(f"chat: {e!r}")
    try:
        st, data = http_json(t.port, PATHS["embeddings"], BODIES["embeddings"], t.headers)
        j = json.loads(data)
        if st != 200 or len(j["data"][0]["embedding"]) != 1536:
            problems.append(f"embeddings: unexpected answer {data[:200]!r}")
    except Exception as e:  # noqa: BLE001
        problems.append(f"embeddings: {e!r}")
    r = run_stream_client(t, 1, 0, 0.2, quiet=True)[0]
    if r.get("complete", 0) < 1 or r.get("incomplete", 1) or r.get("errors", 1):
        problems.append(f"stream: {json.dumps(r)[:300]}")
    return problems


# ---------------------------------------------------------------- load generators

def wait_child(p):
    """Waits for a child; returns its CPU seconds (user+system)."""
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_utime + ru.ru_stime


def run_wrk(t, conns, endpoint, duration):
    body_file = os.path.join(OUT, f"body-{endpoint}.json")
    env = dict(os.environ, BENCH_BODY_FILE=body_file,
               BENCH_HEADERS="\n".join(f"{k}: {v}" for k, v in t.headers.items()))
    cmd = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{conns}", f"-d{max(1, round(duration))}s", "--timeout", "5s",
           "-s", os.path.join(BENCH, "wrk", "post.lua"), f"http://127.0.0.1:{t.port}{PATHS[endpoint]}"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = p.stdout.read().decode()
    err = p.stderr.read().decode()
    cpu = wait_child(p)
    m = re.search(r"BENCHJSON (\{.*\})", out)
    if not m:
        return {"error": f"wrk failed ({p.returncode}): {out[-300:]} {err[-300:]}"}, cpu
    w = json.loads(m.group(1))
    secs = w["duration_us"] / 1e6
    errors = sum(w["errors"].values())
    lat = w["latency_us"]
    return {
        "requests": w["requests"], "seconds": round(secs, 3), "rps": round(w["requests"] / secs, 1),
        "p50_ms": lat["p50"] / 1000, "p90_ms": lat["p90"] / 1000, "p99_ms": lat["p99"] / 1000,
        "p999_ms": lat["p999"] / 1000, "mean_ms": round(lat["mean"] / 1000, 4), "max_ms": lat["max"] / 1000,
        "errors": errors, "errors_detail": w["errors"],
    }, cpu


def run_stream_client(t, conns, delay_ms, duration, quiet=False):
    cmd = ["taskset", "-c", LOAD_CORE, os.path.join(BIN, "sse_client"), "--port", str(t.port),
           "--concurrency", str(conns), "--duration", str(duration), "--delay-ms", str(delay_ms), "--timeout", "15"]
    for k, v in t.headers.items():
        cmd += ["--header", f"{k}: {v}"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read().decode()
    err = p.stderr.read().decode()
    cpu = wait_child(p)
    try:
        r = json.loads(out)
    except ValueError:
        return {"error": f"sse_client failed ({p.returncode}): {out[-300:]} {err[-300:]}"}, cpu
    if quiet:
        return r, cpu
    return {
        "streams": r["streams"], "complete": r["complete"], "incomplete": r["incomplete"], "errors": r["errors"],
        "errors_detail": r["errors_detail"], "seconds": r["duration_s"], "streams_per_s": r["streams_per_s"],
        "ttfb_ms": r["ttfb_ms"], "first_event_ms": r["first_event_ms"], "total_ms": r["total_ms"],
        "events_per_read_extra": r["coalesced_events_per_stream"],
    }, cpu


# ---------------------------------------------------------------- the run

class Noise:
    def __init__(self, threshold):
        self.threshold = threshold
        self.other = 0.0
        self.steal = 0.0
        self.capacity = 0.0

    def measure(self, before, after, ours_ticks, elapsed):
        """The figures of one load run; the raw ticks go along so that rounds can be summed."""
        cap = elapsed * TICK * NCPU
        other = max(0.0, (after["busy"] - before["busy"]) - ours_ticks)
        steal = after["steal"] - before["steal"]
        self.other += other
        self.steal += steal
        self.capacity += cap
        return dict(self.figures(other, steal, cap),
                    noise_ticks={"other": round(other, 1), "steal": steal, "capacity": round(cap, 1)})

    def figures(self, other, steal, cap):
        o, s = (100 * other / cap, 100 * steal / cap) if cap else (0.0, 0.0)
        return {"other_cpu_pct": round(o, 2), "steal_pct": round(s, 2),
                "noisy": o > self.threshold or s > self.threshold}

    def summary(self):
        if not self.capacity:
            return {"noisy": False}
        o, s = 100 * self.other / self.capacity, 100 * self.steal / self.capacity
        return {"other_cpu_pct": round(o, 2), "steal_pct": round(s, 2), "threshold_pct": self.threshold,
                "noisy": o > self.threshold or s > self.threshold}


def measured(fn, gw, everyone, noise):
    """Runs fn() (a load run returning (result, loadgen_cpu_seconds)) and adds CPU, memory and noise."""
    own0 = os.times()
    gw0 = gw.cpu()
    all0 = sum(x.cpu() for x in everyone)
    st0 = proc_stat()
    t0 = time.time()
    res, load_cpu = fn()
    elapsed = time.time() - t0
    st1 = proc_stat()
    gw1 = gw.cpu()
    all1 = sum(x.cpu() for x in everyone)
    own1 = os.times()
    if "error" in res:
        return res
    own = (own1.user - own0.user + own1.system - own0.system) * TICK
    ours = (all1 - all0) + load_cpu * TICK + own
    n = res.get("requests") or res.get("complete") or 0
    gw_secs = (gw1 - gw0) / TICK
    res["elapsed_s"] = round(elapsed, 3)
    res["loadgen_cpu_s"] = round(load_cpu, 3)
    res["gateway_cpu_s"] = round(gw_secs, 3)
    res["gateway_cpu_pct"] = round(100 * gw_secs / elapsed, 1)
    res["cpu_us_per_req"] = round(1e6 * gw_secs / n, 2) if n else None
    res["loadgen_cpu_pct"] = round(100 * load_cpu / elapsed, 1)
    res["rss_mb"] = round(gw.rss_kb() / 1024, 1)
    res["peak_rss_mb"] = round(gw.hwm_kb() / 1024, 1)
    res.update(noise.measure(st0, st1, ours, elapsed))
    return res


def run_rounds(jobs, rounds, everyone, noise, label):
    """Interleaved rounds: jobs is a list of (name, target, fn); in round k every job runs once,
    starting at job k mod N (the order reversed in odd rounds), so a slow patch of the machine
    lands on every target about equally.
    Returns {name: [one measured() result per round]}, in the jobs' order."""
    per = {name: [] for name, _, _ in jobs}
    for k in range(rounds):
        # Rotated, and reversed every other round: a target does not always follow the same
        # neighbour (say agentrouter after portkey, whose node process settles for a moment).
        order = [jobs[(k + i) % len(jobs)] for i in range(len(jobs))]
        if k % 2:
            order.reverse()
        for i, (name, t, fn) in enumerate(order):
            log(f"{label:<16} round {k + 1}/{rounds}  {name}")
            res = measured(fn, t, everyone, noise)
            res["round"], res["position"] = k + 1, i + 1
            per[name].append(res)
            if t.proc.poll() is not None:
                log(f"{name} exited (code {t.proc.returncode}) during {label}")
    return per


def pool_instances(per):
    """Rounds of "<target>~N" processes joined to "<target>"'s (each keeps its round number)."""
    out = {}
    for name, rs in per.items():
        out.setdefault(name.split("~")[0], []).extend(rs)
    return out


def median(vals):
    vals = [v for v in vals if v is not None]
    return round(statistics.median(vals), 4) if vals else None


def weighted_mean(pairs):
    """pairs of (value, weight); None when nothing weighs."""
    w = sum(n for v, n in pairs if v is not None)
    return round(sum(v * n for v, n in pairs if v is not None) / w, 4) if w else None


def spread_pct(vals, whole):
    """Half the range across rounds, as a percentage of the whole case's figure: '±x%' in the table."""
    vals = [v for v in vals if v is not None]
    if len(vals) < 2 or not whole:
        return None
    return round(100 * (max(vals) - min(vals)) / 2 / whole, 1)


def aggregate(kind, rounds, noise):
    """One case and target from its rounds: rates and CPU per request from the sums, errors summed,
    peak RSS the maximum, each latency percentile the median of the rounds' figures."""
    failed = [r for r in rounds if "error" in r]
    if failed:
        return {"error": f"round {failed[0].get('round', '?')}: {failed[0]['error']}", "rounds": rounds}
    out = {}
    count = "requests" if kind == "wrk" else "complete"
    for k in (("requests",) if kind == "wrk" else ("streams", "complete", "incomplete")) + ("errors",):
        out[k] = sum(r[k] for r in rounds)
    out["errors_detail"] = {}
    for r in rounds:
        for k, v in r["errors_detail"].items():
            out["errors_detail"][k] = out["errors_detail"].get(k, 0) + v
    secs = sum(r["seconds"] for r in rounds)
    out["seconds"] = round(secs, 3)
    rate = "rps" if kind == "wrk" else "streams_per_s"
    out[rate] = round(out[count] / secs, 1) if secs else None
    # Rounds with no request carry no latency: they stay out of the medians.
    timed = [r for r in rounds if r[count]]
    if kind == "wrk":
        for k in ("p50_ms", "p90_ms", "p99_ms", "p999_ms"):
            out[k] = median(r[k] for r in timed)
        out["mean_ms"] = weighted_mean([(r["mean_ms"], r[count]) for r in timed])
        out["max_ms"] = max((r["max_ms"] for r in rounds), default=None)
    else:
        for dist in ("ttfb_ms", "first_event_ms", "total_ms"):
            out[dist] = {p: median(r[dist][p] for r in timed) for p in ("p50", "p90", "p99")}
        out["total_ms"]["mean"] = weighted_mean([(r["total_ms"]["mean"], r[count]) for r in timed])
        out["events_per_read_extra"] = weighted_mean([(r["events_per_read_extra"], r[count]) for r in timed])
    elapsed = sum(r["elapsed_s"] for r in rounds)
    gw = sum(r["gateway_cpu_s"] for r in rounds)
    out["gateway_cpu_s"] = round(gw, 3)
    out["gateway_cpu_pct"] = round(100 * gw / elapsed, 1) if elapsed else None
    out["cpu_us_per_req"] = round(1e6 * gw / out[count], 2) if out[count] else None
    out["loadgen_cpu_pct"] = round(100 * sum(r["loadgen_cpu_s"] for r in rounds) / elapsed, 1) if elapsed else None
    out["rss_mb"] = rounds[-1]["rss_mb"]
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rounds)
    out.update(noise.figures(*(sum(r["noise_ticks"][k] for r in rounds) for k in ("other", "steal", "capacity"))))
    rates = [r[rate] for r in rounds]
    cpus = [r["cpu_us_per_req"] for r in rounds if r["cpu_us_per_req"] is not None]
    out["spread"] = {"rate_min": min(rates), "rate_max": max(rates), "rate_pct": spread_pct(rates, out[rate]),
                     "cpu_min": min(cpus, default=None), "cpu_max": max(cpus, default=None),
                     "cpu_pct": spread_pct(cpus, out["cpu_us_per_req"])}
    out["rounds"] = rounds
    return out


def case_noise(per_target, noise):
    """other% and steal over the whole case: every target's rounds together."""
    rounds = [r for rs in per_target.values() for r in rs if "noise_ticks" in r]
    return noise.figures(*(sum(r["noise_ticks"][k] for r in rounds) for k in ("other", "steal", "capacity")))


def fmt(v, nd=2):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return round(a / b, 3)


def main():
    ap = argparse.ArgumentParser(description="Agent Router Desktop benchmark (bench/README.md)")
    ap.add_argument("--quick", action="store_true", help="2 s cases in 2 rounds (the whole run in about 2 minutes)")
    ap.add_argument("--duration", type=float, help="seconds per case and target (default 6, quick 2), split into "
                                                   "--rounds rounds of whole seconds (wrk's unit)")
    ap.add_argument("--rounds", type=int, help="interleaved rounds per case (default 3, quick 2): each round runs "
                                               "every target for duration/rounds, in an order rotated per round")
    ap.add_argument("--agentrouter", default=os.environ.get("AGENTROUTER_BIN"), help="agentrouter binary")
    ap.add_argument("--targets", default=",".join(TARGETS), help="comma-separated subset of " + ",".join(TARGETS))
    ap.add_argument("--baseline", metavar="BIN",
                    help="also measure this agentrouter binary (say, a build of an earlier commit) as 'agentrouter-base', "
                         "for before/after figures from one run")
    ap.add_argument("--instances", type=int, default=1,
                    help="processes per Agent Router target (agentrouter, -noledger, -base), measured in the same "
                         "rounds and pooled: one process can be ~10%% faster than another for its whole life on a VM")
    ap.add_argument("--cases", default=",".join(c["name"] for c in CASES), help="comma-separated subset of cases")
    ap.add_argument("--noise-threshold", type=float, default=3.0,
                    help="percent of the machine's CPU used by other processes (or stolen) that flags a run noisy")
    ap.add_argument("--profile", choices=["perf", "callgrind"],
                    help="instead of the benchmark: profile agentrouter under chat-16 and write out/profile-*.txt")
    ap.add_argument("--profile-seconds", type=float, default=10)
    ap.add_argument("--profile-conns", type=int, default=16, help="connections of the chat case profiled")
    ap.add_argument("--profile-streams", action="store_true", help="profile N streams (no delay) instead of chat")
    ap.add_argument("--soak", type=float, metavar="SECONDS",
                    help="instead of the cases: agentrouter under chat-16 and 16 streams, alternating, for SECONDS "
                         "(600 for issue 8's 10 minutes), its RSS sampled every 30 s; writes out/soak.json")
    ap.add_argument("--out", default=os.path.join(OUT, "results.json"))
    ap.add_argument("--report", metavar="JSON", help="only print the tables of an earlier results.json")
    a = ap.parse_args()
    if a.report:
        with open(a.report) as f:
            print_report(json.load(f))
        return 0
    rounds = a.rounds if a.rounds is not None else (2 if a.quick else 3)
    if rounds < 1:
        die("--rounds must be at least 1")
    wanted = a.duration or (2 if a.quick else 6)
    round_s = max(1, round(wanted / rounds))  # wrk takes whole seconds
    duration = round_s * rounds
    if duration != wanted:
        log(f"bench: {rounds} rounds of {round_s} s (wrk takes whole seconds): {duration} s per case, not {wanted:g}")
    warm = 1 if a.quick else 2
    want = [x for x in a.targets.split(",") if x]
    cases = [c for c in CASES if c["name"] in a.cases.split(",")]
    if NCPU < 2:
        die("needs at least 2 cores (gateway on core 0, load and mock on core 1)")
    if not a.agentrouter:
        a.agentrouter = os.path.join(ROOT, "build-bench", "app", "agentrouter")
    os.makedirs(BIN, exist_ok=True)
    os.makedirs(LOGS, exist_ok=True)
    for name, body in BODIES.items():
        with open(os.path.join(OUT, f"body-{name}.json"), "w") as f:
            json.dump(body, f)
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    # Every Agent Router process writes its access log to a file of its own, as a user's would, so
    # that the ledger on and off (and the baseline) differ in the ledger only. A full run writes
    # about 1 GB of them, a 10-minute soak about 2 GB; short of room, every process gets /dev/null.
    free = shutil.disk_usage(OUT).free
    def ar_log_of(target):
        return os.path.join(LOGS, f"{target}.stderr") if free > (8 << 30) else os.devnull
    ar_log = ar_log_of("agentrouter")

    if a.profile:
        return profile(a, ar_log)
    if a.soak:
        return soak(a, ar_log)

    t_start = time.time()
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    mock_p, mock_port = start_mock(LOAD_CORE, "mock")
    targets = {}
    targets["mock"] = Target("mock", mock_port, mock_p, {})
    mock = targets["mock"]
    log(f"mock upstream on :{mock_port} (core {LOAD_CORE})")
    nginx_static_port = None
    if "nginx" in want:
        p, port, nginx_static_port = start_nginx(mock_port)
        targets["nginx"] = Target("nginx", port, p, {})
        log(f"nginx reverse proxy on :{port}, static on :{nginx_static_port} (core {GW_CORE})")
    if "portkey" in want:
        p, port, headers = start_portkey(mock_port)
        targets["portkey"] = Target("portkey", port, p, headers)
        log(f"portkey on :{port} (core {GW_CORE})")
    if a.instances < 1:
        die("--instances must be at least 1")
    # Extra processes of a target are named "<target>~2", "~3"...; their rounds are pooled with
    # the first's (pool_instances) before anything is computed from them.
    for i in range(1, a.instances + 1):
        sfx = "" if i == 1 else f"~{i}"
        tag = "" if i == 1 else f"-{i}"
        if "agentrouter" in want:
            if not os.access(a.agentrouter, os.X_OK):
                die(f"no agentrouter binary at {a.agentrouter} (bench/run.sh builds it)")
            p, port, headers = start_agentrouter(a.agentrouter, mock_port, ar_log_of("agentrouter" + sfx), tag=tag)
            targets["agentrouter" + sfx] = Target("agentrouter" + sfx, port, p, headers)
            log(f"agentrouter{sfx} on :{port} (core {GW_CORE}, workers=1)")
        if "agentrouter-noledger" in want:
            p, port, headers = start_agentrouter(a.agentrouter, mock_port, ar_log_of("agentrouter-noledger" + sfx),
                                                 ledger=False, tag=tag)
            targets["agentrouter-noledger" + sfx] = Target("agentrouter-noledger" + sfx, port, p, headers)
            log(f"agentrouter{sfx} with the ledger off on :{port} (core {GW_CORE}, workers=1)")
        if a.baseline:
            p, port, headers = start_agentrouter(a.baseline, mock_port, ar_log_of("agentrouter-base" + sfx),
                                                 tag="-base" + tag)
            targets["agentrouter-base" + sfx] = Target("agentrouter-base" + sfx, port, p, headers)
            log(f"baseline agentrouter{sfx} ({a.baseline}) on :{port} (core {GW_CORE}, workers=1)")
    if "agentrouter-gui" in want:
        p, port, headers = start_agentrouter_gui(a.agentrouter, mock_port, os.path.join(LOGS, "agentrouter-gui.stderr"))
        targets["agentrouter-gui"] = Target("agentrouter-gui", port, p, headers)
        log(f"agentrouter's window (Live log page, own Xvfb on core {LOAD_CORE}) on :{port} (core {GW_CORE})")
    if "mock" not in want:
        del targets["mock"]
    everyone = list(targets.values()) + ([] if "mock" in targets else [mock])
    for t in everyone:
        t.refresh_pids()

    problems = {}
    for name, t in targets.items():
        pr = sanity(t)
        if pr:
            problems[name] = pr
            log(f"{name}: sanity check failed: {pr}")
    time.sleep(1.0)
    for t in targets.values():
        t.idle_rss_kb = t.rss_kb()

    noise = Noise(a.noise_threshold)

    # The mock's speed check: the mock and nginx answering the same bodies themselves, each on core 0.
    mock_check = None
    if nginx_static_port:
        log("mock check: mock vs nginx returning the same body (both on core 0)")
        m2p, m2port = start_mock(GW_CORE, "mock (check)")
        m2 = Target("mock@core0", m2port, m2p, {})
        ns = Target("nginx-static", nginx_static_port, targets["nginx"].proc, {})
        ns.pids = targets["nginx"].pids
        for t in (m2, ns):
            run_wrk(t, 16, "chat", warm / 2)
        per = run_rounds([(t.name, t, lambda t=t: run_wrk(t, 16, "chat", round_s)) for t in (m2, ns)], rounds,
                         everyone + [m2], noise, "mock check")
        mock_check = {name: aggregate("wrk", rs, noise) for name, rs in per.items()}
        m2p.terminate()
        m2p.wait()

    for name, t in targets.items():
        log(f"warm-up {name}")
        run_wrk(t, 16, "chat", warm)
        run_stream_client(t, 16, 0, warm / 2)

    results = []
    for c in cases:
        row = {"case": c["name"], "kind": c["kind"], "connections": c["conns"],
               "endpoint": c.get("endpoint", "chat-stream"), "delay_ms": c.get("delay_ms", 0), "results": {}}
        jobs = []
        for name, t in targets.items():
            if c["kind"] == "wrk":
                fn = lambda t=t: run_wrk(t, c["conns"], c["endpoint"], round_s)  # noqa: E731
            else:
                fn = lambda t=t: run_stream_client(t, c["conns"], c["delay_ms"], round_s)  # noqa: E731
            jobs.append((name, t, fn))
        per = pool_instances(run_rounds(jobs, rounds, everyone, noise, c["name"]))
        row["results"] = {name: aggregate(c["kind"], rs, noise) for name, rs in per.items()}
        row["noise"] = case_noise(per, noise)
        results.append(row)

    mem = {}
    for name, t in targets.items():
        base = name.split("~")[0]
        after64 = next((r["results"][base].get("peak_rss_mb") for r in results if r["case"] == "chat-64"), None)
        m = {"idle_rss_mb": round(t.idle_rss_kb / 1024, 1), "peak_rss_mb": round(t.hwm_kb() / 1024, 1),
             "peak_rss_after_chat64_mb": after64}
        if base in mem:  # another process of the same target: the worst of them
            m = {k: max((v for v in (m[k], mem[base][k]) if v is not None), default=None) for k in m}
        mem[base] = m

    report = build_report(a, (duration, rounds, round_s), started, time.time() - t_start, targets, mock_check, results,
                          mem, noise, problems)
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2)
    print_report(report)
    log(f"results: {a.out}")
    return 0


def get(results, case, target, key):
    for r in results:
        if r["case"] == case:
            x = r["results"].get(target)
            if x is None or "error" in x:
                return None
            for k in key.split("."):
                x = x.get(k) if isinstance(x, dict) else None
            return x
    return None


def round_ratios(results, case, target, other, key):
    """target / other round by round (the two ran within the same round, close in time): [min, max],
    or None without rounds (an earlier results.json, a failed round)."""
    mine, theirs = get(results, case, target, "rounds"), get(results, case, other, "rounds")
    if not mine or not theirs:
        return None
    def per_round(rs):  # the mean of a round's processes (--instances)
        by = {}
        for r in rs:
            if r.get(key) is not None:
                by.setdefault(r["round"], []).append(r[key])
        return {k: sum(v) / len(v) for k, v in by.items()}
    ours, other_rounds = per_round(mine), per_round(theirs)
    vals = [ratio(v, other_rounds.get(k)) for k, v in sorted(ours.items())]
    vals = [v for v in vals if v is not None]
    return [min(vals), max(vals)] if vals else None


def build_report(a, timing, started, wall, targets, mock_check, results, mem, noise, problems):
    versions = {}
    try:
        versions["agentrouter"] = subprocess.run([a.agentrouter, "--version"], capture_output=True, text=True,
                                                 timeout=10).stdout.strip()
    except OSError:
        pass
    try:
        versions["nginx"] = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
        versions["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        with open(os.path.join(os.path.dirname(os.path.dirname(PORTKEY_ENTRY)), "package.json")) as f:
            versions["portkey"] = json.load(f)["version"]
        versions["git"] = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                         text=True).stdout.strip()
        versions["git_dirty"] = bool(subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "gateway", "app"],
                                                    capture_output=True, text=True).stdout.strip())
    except (OSError, ValueError, KeyError):
        pass

    # Ratios against nginx and Portkey, from this run.
    ratios = []
    for r in results:
        c = r["case"]
        row = {"case": c}
        if r["kind"] == "wrk":
            ar_rps, ng_rps, pk_rps = (get(results, c, x, "rps") for x in ("agentrouter", "nginx", "portkey"))
            row["rps_vs_nginx"] = ratio(ar_rps, ng_rps)
            row["rps_vs_portkey"] = ratio(ar_rps, pk_rps)
            base = get(results, c, "mock", "p50_ms")
            for x in ("nginx", "portkey", "agentrouter"):
                v = get(results, c, x, "p50_ms")
                row[f"added_p50_ms_{x}"] = round(v - base, 3) if v is not None and base is not None else None
            row["p99_vs_nginx"] = ratio(get(results, c, "agentrouter", "p99_ms"), get(results, c, "nginx", "p99_ms"))
        else:
            ar, ng, pk = (get(results, c, x, "streams_per_s") for x in ("agentrouter", "nginx", "portkey"))
            row["rps_vs_nginx"] = ratio(ar, ng)
            row["rps_vs_portkey"] = ratio(ar, pk)
            base = get(results, c, "mock", "ttfb_ms.p50")
            for x in ("nginx", "portkey", "agentrouter"):
                v = get(results, c, x, "ttfb_ms.p50")
                row[f"added_ttfb_p50_ms_{x}"] = round(v - base, 3) if v is not None and base is not None else None
            baset = get(results, c, "mock", "total_ms.p50")
            for x in ("nginx", "portkey", "agentrouter"):
                v = get(results, c, x, "total_ms.p50")
                row[f"added_total_p50_ms_{x}"] = round(v - baset, 3) if v is not None and baset is not None else None
        ar_cpu = get(results, c, "agentrouter", "cpu_us_per_req")
        row["cpu_vs_nginx"] = ratio(ar_cpu, get(results, c, "nginx", "cpu_us_per_req"))
        row["cpu_vs_portkey"] = ratio(ar_cpu, get(results, c, "portkey", "cpu_us_per_req"))
        # The same ratios round by round: how far apart the rounds' own comparisons were.
        rate = "rps" if r["kind"] == "wrk" else "streams_per_s"
        row["rounds"] = {}
        for other, tag in (("nginx", "nginx"), ("portkey", "portkey"), ("agentrouter-noledger", "noledger"),
                           ("agentrouter-base", "base"), ("agentrouter-gui", "gui")):
            rr, cr = (round_ratios(results, c, "agentrouter", other, k) for k in (rate, "cpu_us_per_req"))
            if tag == "gui":  # read the other way round: the window's figure over headless
                rr, cr = (round_ratios(results, c, other, "agentrouter", k) for k in (rate, "cpu_us_per_req"))
            if rr:
                row["rounds"][f"rps_vs_{tag}"] = rr
            if cr:
                row["rounds"][f"cpu_vs_{tag}"] = cr
        ratios.append(row)

    def rounds_of(case, key):
        return next((x["rounds"].get(key) for x in ratios if x["case"] == case), None)

    def mx(target):
        vals = [get(results, c, target, "rps") for c in ("chat-1", "chat-16", "chat-64")]
        vals = [v for v in vals if v is not None]
        return max(vals) if vals else None

    checks = []

    def check(name, value, limit, ok, unit="", rounds=None):
        checks.append({"target": name, "value": value, "limit": limit, "unit": unit,
                       "met": None if ok is None else bool(ok), "rounds": rounds})

    ar_max, ng_max, pk_max = mx("agentrouter"), mx("nginx"), mx("portkey")
    check("throughput >= 0.5x nginx (max chat req/s, one core)", ratio(ar_max, ng_max), 0.5,
          None if ratio(ar_max, ng_max) is None else ratio(ar_max, ng_max) >= 0.5, "x")
    cr = ratio(get(results, "chat-16", "agentrouter", "cpu_us_per_req"), get(results, "chat-16", "nginx", "cpu_us_per_req"))
    check("CPU per request <= 2x nginx (chat-16)", cr, 2.0, None if cr is None else cr <= 2.0, "x",
          rounds_of("chat-16", "cpu_vs_nginx"))
    pr = ratio(ar_max, pk_max)
    check("throughput >= 25x Portkey (max chat req/s)", pr, 25, None if pr is None else pr >= 25, "x")
    ar50, ng50 = get(results, "chat-1", "agentrouter", "p50_ms"), get(results, "chat-1", "nginx", "p50_ms")
    d = round(ar50 - ng50, 3) if ar50 is not None and ng50 is not None else None
    check("added p50 at 1 connection <= nginx's + 0.1 ms", d, 0.1, None if d is None else d <= 0.1, "ms over nginx")
    p99r = ratio(get(results, "chat-1", "agentrouter", "p99_ms"), get(results, "chat-1", "nginx", "p99_ms"))
    check("p99 at 1 connection <= 2x nginx's", p99r, 2.0, None if p99r is None else p99r <= 2.0, "x")
    a1, n1 = get(results, "stream-1", "agentrouter", "ttfb_ms.p50"), get(results, "stream-1", "nginx", "ttfb_ms.p50")
    d = round(a1 - n1, 3) if a1 is not None and n1 is not None else None
    check("stream time to first byte <= nginx's + 0.15 ms (stream-1 p50)", d, 0.15, None if d is None else d <= 0.15,
          "ms over nginx")
    a64, n64 = (get(results, "stream-64-paced", x, "total_ms.p50") for x in ("agentrouter", "nginx"))
    d = round(a64 - n64, 3) if a64 is not None and n64 is not None else None
    check("64 paced streams: total time <= nginx's + 0.5 ms (p50)", d, 0.5, None if d is None else d <= 0.5,
          "ms over nginx")
    am = mem.get("agentrouter", {})
    check("RSS idle <= 30 MB", am.get("idle_rss_mb"), 30, None if not am else am["idle_rss_mb"] <= 30, "MB")
    pk64 = am.get("peak_rss_after_chat64_mb")
    check("RSS peak under chat-64 <= 60 MB", pk64, 60, None if pk64 is None else pk64 <= 60, "MB")
    # The ledger must not measurably move latency or throughput: same gateway, ledger off, same run.
    for case in ("chat-16", "stream-16"):
        key = "rps" if case.startswith("chat") else "streams_per_s"
        lr = ratio(get(results, case, "agentrouter", key), get(results, case, "agentrouter-noledger", key))
        check(f"ledger on vs off: throughput >= 0.95x ({case})", lr, 0.95, None if lr is None else lr >= 0.95, "x",
              rounds_of(case, "rps_vs_noledger"))
    l50, n50 = get(results, "chat-1", "agentrouter", "p50_ms"), get(results, "chat-1", "agentrouter-noledger", "p50_ms")
    d = round(l50 - n50, 3) if l50 is not None and n50 is not None else None
    check("ledger on vs off: added p50 at 1 connection <= 0.02 ms", d, 0.02, None if d is None else d <= 0.02,
          "ms over ledger off")
    errs = 0
    seen = False
    for r in results:
        x = r["results"].get("agentrouter")
        if x:
            seen = True
            errs += (x.get("errors") or 0) + (x.get("incomplete") or 0) + (1 if "error" in x else 0)
    check("no errors, every stream complete", errs if seen else None, 0, errs == 0 if seen else None, "errors")
    gr = ratio(get(results, "chat-16", "agentrouter-gui", "rps"), get(results, "chat-16", "agentrouter", "rps"))
    check("with the GUI showing the live log: >= 80% of headless (chat-16)", gr, 0.8, None if gr is None else gr >= 0.8,
          "x", rounds_of("chat-16", "rps_vs_gui"))
    check("no RSS growth over a 10-minute soak (bench/run.sh --soak 600)", None, None, None)

    if mock_check and "error" not in mock_check.get("mock@core0", {"error": 1}):
        mc = mock_check["mock@core0"]["cpu_us_per_req"]
        ns = mock_check.get("nginx-static", {}).get("cpu_us_per_req")
        gws = [get(results, "chat-16", x, "cpu_us_per_req") for x in ("nginx", "portkey", "agentrouter")]
        gws = [g for g in gws if g]
        mock_check["verdict"] = {
            "mock_cpu_us_per_req": mc,
            "nginx_static_over_mock": ratio(ns, mc),
            "cheapest_gateway_over_mock": ratio(min(gws), mc) if gws else None,
            "mock_faster_than_nginx_static": None if ns is None else mc < ns,
        }

    return {
        "meta": {"started": started, "wall_s": round(wall, 1), "mode": "quick" if a.quick else "full",
                 "seconds_per_case": timing[0], "rounds": timing[1], "seconds_per_round": timing[2],
                 "instances": a.instances,
                 "aggregation": "rates and CPU per request from the rounds' sums; latency percentiles: the median "
                                "of the rounds' percentiles; errors summed; peak RSS the maximum",
                 "cpus": NCPU, "kernel": os.uname().release,
                 "pinning": {"gateway": f"core {GW_CORE}", "load generator and mock": f"core {LOAD_CORE}"},
                 "agentrouter": {"binary": a.agentrouter, "workers": 1,
                                 "key_policy": " ".join(BENCH_KEY_POLICY) + " (rate limiter on)"},
                 "versions": versions, "sanity_problems": problems,
                 "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
                 "agentrouter_ledger_file": os.path.exists(os.path.join(OUT, "agentrouter-data", "ledger.sqlite")),
                 "agentrouter_access_log": "on (each process's stderr to out/logs/<target>.stderr)"},
        "noise": noise.summary(),
        "mock_check": mock_check,
        "memory": mem,
        "cases": results,
        "ratios": ratios,
        "targets": checks,
    }


def noise_cell(r):
    return f"{r['other_cpu_pct']:.0f}{'!' if r['noisy'] else ''}"


def spread_cell(r, key):
    """'±x%' from aggregate()'s spread; '-' for a results.json from before rounds or a single round."""
    v = (r.get("spread") or {}).get(key)
    return "-" if v is None else f"±{v:.0f}%" if v >= 10 else f"±{v:.1f}%"


def range_cell(value, rr, nd):
    """A ratio with its range across rounds: '0.97 (0.93-1.01)'."""
    return fmt(value, nd) + (f" ({fmt(rr[0], nd)}-{fmt(rr[1], nd)})" if rr else "")


ROUNDS_NOTE = ("rounds: req/s and cpu/req from the rounds' sums, each latency percentile the median of the rounds';\n"
               "±x% = half the range of the rounds' own figures, as % of the whole case's")


def print_table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(str(h).rjust(w) if i else str(h).ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    print()


def print_report(rep):
    m = rep["meta"]
    n = rep["noise"]
    print()
    if m.get("rounds"):
        per = f"{m['seconds_per_case']} s per case and target in {m['rounds']} interleaved rounds of " \
              f"{m['seconds_per_round']} s (order rotated each round)"
        if m.get("instances", 1) > 1:
            per += f", {m['instances']} processes per Agent Router target, pooled"
    else:
        per = f"{m['seconds_per_case']} s per case, targets one after another"
    print(f"Agent Router Desktop benchmark - {m['mode']} run, {per}, "
          f"{m['started']}, {m['wall_s']} s; gateway on core {GW_CORE}, load+mock on core {LOAD_CORE}")
    print(f"versions: {json.dumps(m['versions'])}")
    if "agentrouter_ledger_file" in m:
        print(f"agentrouter: workers=1, ledger {'on (ledger.sqlite written)' if m['agentrouter_ledger_file'] else 'OFF'}, "
              f"access log on, key policy {m['agentrouter'].get('key_policy', 'none')}")
    noisy = "NOISY" if n.get("noisy") else "quiet"
    print(f"machine: {noisy} (other processes {n.get('other_cpu_pct')}% of CPU, steal {n.get('steal_pct')}%, "
          f"threshold {n.get('threshold_pct')}%)")
    if m["sanity_problems"]:
        print(f"SANITY PROBLEMS: {json.dumps(m['sanity_problems'])}")
    print()
    if rep["mock_check"]:
        rows = []
        for name, r in rep["mock_check"].items():
            if name == "verdict" or "error" in r:
                continue
            rows.append([name, fmt(r.get("rps"), 0), spread_cell(r, "rate_pct"), fmt(r.get("p50_ms"), 3),
                         fmt(r.get("p99_ms"), 3), fmt(r.get("cpu_us_per_req")), spread_cell(r, "cpu_pct"),
                         r.get("errors"), fmt(r.get("loadgen_cpu_pct"), 0)])
        print("Mock check (chat-16, each on core 0, answering the same body):")
        print_table(["server", "req/s", "±req/s", "p50 ms", "p99 ms", "cpu us/req", "±cpu", "errors", "wrk cpu%"], rows)
        v = rep["mock_check"].get("verdict")
        if v:
            print(f"The mock costs {fmt(v['mock_cpu_us_per_req'])} us of CPU per request: nginx answering the same body "
                  f"itself costs {fmt(v['nginx_static_over_mock'])}x that, the cheapest gateway (chat-16) "
                  f"{fmt(v['cheapest_gateway_over_mock'])}x.")
            print()
    rows = []
    for c in rep["cases"]:
        if c["kind"] != "wrk":
            continue
        for name, r in c["results"].items():
            if "error" in r:
                rows.append([c["case"], name, r["error"][:60]] + [""] * 11)
                continue
            rows.append([c["case"], name, fmt(r["rps"], 0), spread_cell(r, "rate_pct"), fmt(r["p50_ms"], 3),
                         fmt(r["p90_ms"], 3), fmt(r["p99_ms"], 3), r["errors"], fmt(r["cpu_us_per_req"], 1),
                         spread_cell(r, "cpu_pct"), fmt(r["gateway_cpu_pct"], 0), fmt(r["loadgen_cpu_pct"], 0),
                         fmt(r["peak_rss_mb"], 1), noise_cell(r)])
    print("Requests (wrk, 1 thread; cpu = the target's own CPU time; load% = wrk on core 1;")
    print("other% = CPU of other processes, % of the machine, '!' = noisy" +
          (";\n" + ROUNDS_NOTE + "):" if m.get("rounds") else "):"))
    print_table(["case", "target", "req/s", "±req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "cpu us/req", "±cpu",
                 "cpu%", "load%", "peak MB", "other%"], rows)
    rows = []
    for c in rep["cases"]:
        if c["kind"] != "stream":
            continue
        for name, r in c["results"].items():
            if "error" in r:
                rows.append([c["case"], name, r["error"][:60]] + [""] * 12)
                continue
            rows.append([c["case"], name, fmt(r["streams_per_s"], 0), spread_cell(r, "rate_pct"),
                         fmt(r["ttfb_ms"]["p50"], 3), fmt(r["ttfb_ms"]["p99"], 3), fmt(r["total_ms"]["p50"], 3),
                         fmt(r["total_ms"]["p99"], 3), r["complete"], r["incomplete"], r["errors"],
                         fmt(r["cpu_us_per_req"], 1), spread_cell(r, "cpu_pct"), fmt(r["events_per_read_extra"], 1),
                         fmt(r["peak_rss_mb"], 1), noise_cell(r)])
    print("Streams (20 chunks + usage + [DONE]; ttfb = first response byte; paced = 10 ms between chunks;")
    print("batched = events per stream that came in the same read as an earlier one: 21 = all at once;")
    print("with 10 ms pacing the mock itself sends the last 3 events together, so 2 is the floor" +
          (";\n" + ROUNDS_NOTE + "; batched the mean over all streams):" if m.get("rounds") else "):"))
    print_table(["case", "target", "streams/s", "±str/s", "ttfb p50", "ttfb p99", "total p50", "total p99",
                 "complete", "incompl", "errors", "cpu us/stream", "±cpu", "batched", "peak MB", "other%"], rows)
    rows = [[name, fmt(v["idle_rss_mb"], 1), fmt(v["peak_rss_after_chat64_mb"], 1), fmt(v["peak_rss_mb"], 1)]
            for name, v in rep["memory"].items()]
    print("Memory (RSS of the process tree, MB):")
    print_table(["target", "idle", "peak after chat-64", "peak (whole run)"], rows)
    rows = []
    for r in rep["ratios"]:
        if "added_p50_ms_agentrouter" in r:
            added = f"{fmt(r.get('added_p50_ms_nginx'), 3)} / {fmt(r.get('added_p50_ms_portkey'), 3)} / " \
                    f"{fmt(r.get('added_p50_ms_agentrouter'), 3)}"
        else:
            added = f"{fmt(r.get('added_ttfb_p50_ms_nginx'), 3)} / {fmt(r.get('added_ttfb_p50_ms_portkey'), 3)} / " \
                    f"{fmt(r.get('added_ttfb_p50_ms_agentrouter'), 3)}"
        rr = r.get("rounds") or {}
        rows.append([r["case"], range_cell(r.get("rps_vs_nginx"), rr.get("rps_vs_nginx"), 3),
                     fmt(r.get("rps_vs_portkey"), 2), range_cell(r.get("cpu_vs_nginx"), rr.get("cpu_vs_nginx"), 2),
                     fmt(r.get("cpu_vs_portkey"), 3), added])
    print("Agent Router vs nginx and Portkey (same run; in brackets the lowest and highest of the rounds' own ratios):")
    print_table(["case", "req/s vs nginx", "req/s vs Portkey", "cpu/req vs nginx", "cpu/req vs Portkey",
                 "added p50 ms (ttfb for streams) nginx / Portkey / AR"], rows)
    rows = []
    for c in rep["cases"]:
        now, base, off = (c["results"].get(x) for x in ("agentrouter", "agentrouter-base", "agentrouter-noledger"))
        if not now or "error" in now or ((not base or "error" in base) and (not off or "error" in off)):
            continue
        key = "rps" if c["kind"] == "wrk" else "streams_per_s"
        rr = next((x.get("rounds") or {} for x in rep["ratios"] if x["case"] == c["case"]), {})
        row = [c["case"]]
        for other, tag in ((base, "base"), (off, "noledger")):
            ok = other and "error" not in other
            row += [range_cell(ratio(now.get(key), other.get(key)) if ok else None, rr.get(f"rps_vs_{tag}"), 3),
                    range_cell(ratio(now.get("cpu_us_per_req"), other.get("cpu_us_per_req")) if ok else None,
                               rr.get(f"cpu_vs_{tag}"), 3)]
        rows.append(row)
    if rows:
        print("Agent Router (this build, ledger on) vs the baseline build and vs itself with the ledger off (same run;")
        print("in brackets the lowest and highest of the rounds' own ratios):")
        print_table(["case", "req/s vs base", "cpu/req vs base", "req/s vs ledger off", "cpu/req vs ledger off"], rows)
    rows = []
    for t in rep["targets"]:
        met = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        rr = t.get("rounds")
        rows.append([t["target"], fmt(t["value"], 3) + (" " + t["unit"] if t["value"] is not None and t["unit"] else ""),
                     f"{fmt(rr[0], 3)}-{fmt(rr[1], 3)}" if rr else "", fmt(t["limit"]), met])
    print("Targets (issue 8; rounds = the lowest and highest of the rounds' own ratios, where there is one):")
    print_table(["target", "value", "rounds", "limit", "status"], rows)
    if n.get("noisy"):
        print("NOTE: the machine was busy during this run (see 'noise' per case); ratios are less reliable.")


def soak(a, ar_log):
    """Issue 8's soak: does agentrouter's memory keep growing under a steady load?"""
    mock_p, mock_port = start_mock(LOAD_CORE, "mock")
    p, port, headers = start_agentrouter(a.agentrouter, mock_port, ar_log)
    t = Target("agentrouter", port, p, headers)
    t.refresh_pids()
    idle = t.rss_kb()
    log(f"soak: agentrouter on :{port}, idle RSS {idle / 1024:.1f} MB, {a.soak:.0f} s of load")
    samples, total, errors, started = [], 0, 0, time.time()
    step = 30
    # RSS every second: under load it is a sawtooth (rows waiting for the ledger's writer come and
    # go by several MB), and one reading per step lands anywhere on it. A leak raises its floor.
    rss_trace, sampling = [], threading.Event()

    def sample_rss():
        while not sampling.wait(1.0):
            rss_trace.append((time.time() - started, t.rss_kb() / 1024))

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    while time.time() - started < a.soak:
        # Half of each step plain chat, half streams: both paths, the ledger and the limiter.
        step_start = time.time() - started
        res, _ = run_wrk(t, 16, "chat", step / 2)
        sres, _ = run_stream_client(t, 16, 0, step / 2, quiet=True)
        total += res.get("requests", 0) + sres.get("complete", 0)
        errors += res.get("errors", 1 if "error" in res else 0)
        errors += sres.get("errors", 1 if "error" in sres else 0) + sres.get("incomplete", 0)
        in_step = [mb for ts, mb in rss_trace if ts >= step_start] or [t.rss_kb() / 1024]
        samples.append({"t_s": round(time.time() - started), "rss_mb": round(t.rss_kb() / 1024, 1),
                        "rss_min_mb": round(min(in_step), 1), "rss_max_mb": round(max(in_step), 1),
                        "requests": total, "errors": errors})
        log(f"soak t={samples[-1]['t_s']:>4}s RSS {samples[-1]['rss_mb']:.1f} MB (this step "
            f"{samples[-1]['rss_min_mb']:.1f}-{samples[-1]['rss_max_mb']:.1f}), {total} requests, {errors} errors")
        if p.poll() is not None:
            die(f"agentrouter exited (code {p.returncode}) during the soak")
    sampling.set()
    sampler.join()
    # Growth after the first minute (pools, caches and the allocator have settled by then): the
    # floor and the peak of the sawtooth in minutes 1-3 against the last two minutes.
    settled = [x for x in samples if x["t_s"] >= 60] or samples
    end_s = samples[-1]["t_s"]
    early = [x for x in settled if x["t_s"] <= 180] or settled[:1]
    late = [x for x in settled if x["t_s"] >= end_s - 120] or settled[-1:]
    floor_growth = round(min(x["rss_min_mb"] for x in late) - min(x["rss_min_mb"] for x in early), 1)
    peak_growth = round(max(x["rss_max_mb"] for x in late) - max(x["rss_max_mb"] for x in early), 1)
    first, last = settled[0]["rss_mb"], samples[-1]["rss_mb"]
    peak = round(max([x["rss_max_mb"] for x in samples] + [x["rss_mb"] for x in samples]), 1)
    result = {"seconds": round(time.time() - started), "idle_rss_mb": round(idle / 1024, 1),
              "rss_after_first_minute_mb": first, "rss_end_mb": last, "rss_peak_mb": peak,
              "growth_mb": round(last - first, 1), "floor_growth_mb": floor_growth,
              "peak_growth_mb": peak_growth, "requests": total, "errors": errors, "samples": samples,
              "met": floor_growth <= 2.0 and errors == 0, "noise": None}
    with open(os.path.join(OUT, "soak.json"), "w") as f:
        json.dump(result, f, indent=2)
    print()
    print_table(["t (s)", "RSS MB", "step min", "step max", "requests", "errors"],
                [[x["t_s"], fmt(x["rss_mb"], 1), fmt(x["rss_min_mb"], 1), fmt(x["rss_max_mb"], 1), x["requests"],
                  x["errors"]] for x in samples])
    print(f"Soak: {result['seconds']} s, {total} requests, {errors} errors; RSS idle {result['idle_rss_mb']} MB, "
          f"after the first minute {first} MB, at the end {last} MB, peak {peak} MB. Minutes 1-3 against the last "
          f"two: floor {floor_growth:+} MB, peak {peak_growth:+} MB: "
          f"{'met' if result['met'] else 'MISSED'} (no growth: the floor up at most 2 MB, no errors)")
    return 0


def profiled_load(a, t):
    if a.profile_streams:
        return run_stream_client(t, a.profile_conns, 0, int(a.profile_seconds))[0]
    return run_wrk(t, a.profile_conns, "chat", a.profile_seconds)[0]


def profile(a, ar_log):
    """Profiles agentrouter under chat-N (default 16; wrk on core 1) with perf or callgrind."""
    mock_p, mock_port = start_mock(LOAD_CORE, "mock")
    binary = a.agentrouter
    if a.profile == "callgrind":
        for f in os.listdir(OUT):
            if f.startswith("callgrind.out"):
                os.remove(os.path.join(OUT, f))
        wrapper = os.path.join(OUT, "callgrind-agentrouter.sh")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file={OUT}/callgrind.out "
                    f"{binary} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        binary = wrapper
    p, port, headers = start_agentrouter(binary, mock_port, ar_log)
    t = Target("agentrouter", port, p, headers)
    pid = [x for x in proc_tree(p.pid) if open(f"/proc/{x}/comm").read().strip() not in ("sh",)][-1]
    log(f"warm-up, then {a.profile} on pid {pid} for {a.profile_seconds}s of {'stream' if a.profile_streams else 'chat'}-{a.profile_conns}")
    run_wrk(t, 16, "chat", 2)
    if a.profile == "perf":
        data = os.path.join(OUT, "perf.data")
        perf = subprocess.Popen(["perf", "record", "-F", "499", "--call-graph", "dwarf,16384", "-o", data, "-p", str(pid), "--",
                                 "sleep", str(a.profile_seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        res = profiled_load(a, t)
        perf.wait()
        log(f"{'stream' if a.profile_streams else 'chat'}-{a.profile_conns} under perf: {json.dumps(res)}")
        txt = os.path.join(OUT, "profile-perf.txt")
        with open(txt, "w") as f:
            for args in (["--no-children", "--sort", "dso"], ["--no-children", "--sort", "dso,symbol"],
                         ["--children", "--sort", "symbol"]):
                f.write(f"==== perf report {' '.join(args)}\n")
                f.flush()
                subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0.5"] + args,
                               stdout=f, stderr=subprocess.DEVNULL)
        log(f"profile: {txt}")
    else:
        res = profiled_load(a, t)
        log(f"{'stream' if a.profile_streams else 'chat'}-{a.profile_conns} under callgrind: {json.dumps(res)}")
        os.kill(pid, signal.SIGTERM)
        p.wait(timeout=60)
        outs = sorted(f for f in os.listdir(OUT) if f.startswith("callgrind.out"))
        txt = os.path.join(OUT, "profile-callgrind.txt")
        with open(txt, "w") as f:
            for o in outs:
                for incl in ("no", "yes"):
                    f.write(f"==== callgrind_annotate --inclusive={incl} {o}\n")
                    f.flush()
                    subprocess.run(["callgrind_annotate", f"--inclusive={incl}", "--threshold=99",
                                    os.path.join(OUT, o)], stdout=f, stderr=subprocess.DEVNULL)
        log(f"profile: {txt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
