"""Benchmark: the HTTP API under load, on loopback.

Starts `charley serve --workers 2` on a free port with a throwaway SQLite
diary, waits for /healthz, checks that every description's HTTP answer is
exactly `assess(text).to_dict()`, then drives the server with wrk (a C load
generator; a Python client would be the bottleneck), with the same threads,
connections and duration, alternately, for some rounds:
- `POST /v1/assess`, cycling over the 36 descriptions of
  ../shared/vignettes/dev.jsonl (built-in ones when that file is missing),
- `GET /healthz`, the cheapest route, as the baseline.
It prints, as medians over the rounds, requests per second, p50 and p99
latency and the server's CPU time per request (all its processes, from
/proc: less sensitive to other load on the machine than the throughput),
then the ratio of assess to healthz throughput (bar: at least 50%) and assess
p99 (bar: under 25 ms), each against its bar. The server is stopped at the
end. Timing lives here, never in tests.

On a 2-core machine the server's two workers and wrk share the two cores,
so the figures are those of a shared machine, not of the server alone; other
work on the machine moves them too (the load average is printed).

Needs wrk: `apt-get install -y wrk` (Debian).
Run: .venv/bin/python bench/bench_http.py [--duration 5] [--rounds 3]
         [--connections 16] [--threads 1] [--serve-arg=--no-access-log]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sample_texts import texts

WORKERS = 2
RATIO_BAR = 0.5  # assess throughput over healthz throughput, at least
P99_BAR_MS = 25.0  # assess p99, under
READY_TRIES = 150  # /healthz polls, 0.1 s apart
STOP_WAIT_S = 15.0

# One request per call, rotating over the bodies; the totals and latency
# percentiles (microseconds) come back as one JSON line from done().
LUA = r"""
local bodies = {}
local path = %(path)s
if path ~= "" then
  for line in io.lines(path) do
    if line ~= "" then bodies[#bodies + 1] = line end
  end
end
local requests = {}
local n = 0

init = function(args)
  local headers = {["Content-Type"] = "application/json"}
  for i, body in ipairs(bodies) do
    requests[i] = wrk.format("POST", "/v1/assess", headers, body)
  end
  n = math.random(#requests > 0 and #requests or 1) - 1
end

if #bodies > 0 then  -- with none, wrk sends its own static GET
  request = function()
    n = n %% #requests + 1
    return requests[n]
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p99_us":%%d,' ..
    '"mean_us":%%.1f,"max_us":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float  # the server's CPU time (all workers) per request


def median_load(loads: list[Load]) -> Load:
    """Each figure's median over the rounds; the requests and errors summed."""
    return Load(
        rps=statistics.median(x.rps for x in loads),
        p50_ms=statistics.median(x.p50_ms for x in loads),
        p99_ms=statistics.median(x.p99_ms for x in loads),
        requests=sum(x.requests for x in loads),
        errors=sum(x.errors for x in loads),
        cpu_ms=statistics.median(x.cpu_ms for x in loads),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str, timeout: float = 2.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        data: bytes = response.read()
        return data


def post(url: str, body: bytes) -> bytes:
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as response:
        data: bytes = response.read()
        return data


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(READY_TRIES):
        if server.poll() is not None:
            sys.exit(f"charley serve exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if json.loads(get(f"{base}/healthz", timeout=0.5)).get("status") == "ok":
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    sys.exit(f"charley serve did not answer /healthz in time:\n{log.read_text()[-2000:]}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to uvicorn's supervisor (it stops its workers), then the group if it lingers."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    with contextlib.suppress(ProcessLookupError):  # workers left by a dead supervisor
        os.killpg(server.pid, signal.SIGKILL)


def check_answers(base: str, sample: list[str]) -> None:
    """Every description's HTTP answer is exactly assess(text).to_dict()."""
    from charley import assess

    for text in sample:
        got = json.loads(post(f"{base}/v1/assess", json.dumps({"text": text}).encode()))
        if got != assess(text).to_dict():
            sys.exit(f"POST /v1/assess differs from assess(text).to_dict() for: {text!r}")


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server's processes (Linux; 0 elsewhere)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    ticks = 0
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str, script: Path, threads: int, connections: int, duration: float, server: int
) -> Load:
    cmd = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        "--timeout=5s",
        f"--script={script}",
        url,
    ]
    cpu = server_cpu(server)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    cpu = server_cpu(server) - cpu
    line = next((x for x in out.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        sys.exit(f"wrk printed no result:\n{out}")
    r = json.loads(line.removeprefix("WRK_RESULT "))
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return Load(
        rps=r["requests"] / (r["duration_us"] / 1e6),
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        requests=r["requests"],
        errors=errors,
        cpu_ms=cpu * 1000 / max(1, r["requests"]),
    )


def lua(path: Path, bodies: Path | None) -> Path:
    path.write_text(LUA % {"path": json.dumps(str(bodies) if bodies else "")})
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=5, help="seconds of each load")
    parser.add_argument("--rounds", type=int, default=3, help="assess, then healthz, N times")
    parser.add_argument("--connections", type=int, default=16, help="open connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of each warm-up load")
    parser.add_argument(
        "--serve-arg", action="append", default=[], help="extra `charley serve` option"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    charley = shutil.which("charley", path=str(Path(sys.executable).parent))
    if charley is None:
        sys.exit("charley is not installed in this environment (make setup)")

    sample = texts()
    seconds = max(1, round(args.duration))
    loads: dict[str, list[Load]] = {"assess": [], "healthz": []}
    with tempfile.TemporaryDirectory(prefix="charley-bench-http-") as tmp:
        folder = Path(tmp)
        bodies = folder / "bodies.jsonl"
        bodies.write_text("".join(json.dumps({"text": t}) + "\n" for t in sample))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        targets = {
            "assess": (f"{base}/v1/assess", lua(folder / "assess.lua", bodies)),
            "healthz": (f"{base}/healthz", lua(folder / "healthz.lua", None)),
        }
        log = folder / "server.log"
        cmd = [charley, "serve", f"--workers={WORKERS}", f"--port={port}", *args.serve_arg]
        cmd.append(f"--db=sqlite:///{folder / 'diary.sqlite3'}")
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                cmd, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_ready(base, server, log)
            check_answers(base, sample)
            for url, script in targets.values():
                wrk(url, script, args.threads, args.connections, args.warmup, server.pid)
            for _ in range(args.rounds):  # alternately, so both see the same machine load
                for name, (url, script) in targets.items():
                    load = wrk(url, script, args.threads, args.connections, seconds, server.pid)
                    loads[name].append(load)
        finally:
            stop(server)
        a, h = median_load(loads["assess"]), median_load(loads["healthz"])
        if a.errors or h.errors:
            sys.exit(f"errors under load: assess {a.errors}, healthz {h.errors}\n{log.read_text()}")

    cores = os.cpu_count() or 0
    print(
        f"charley serve --workers {WORKERS} {' '.join(args.serve_arg)}".rstrip()
        + f" on loopback; wrk --threads {args.threads} --connections {args.connections}"
        f" --duration {seconds}s, {args.rounds} rounds each; {len(sample)} descriptions"
    )
    print(
        f"note: the {WORKERS} server workers and wrk share this machine's {cores} cores; "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    print("medians over the rounds:")
    for name, r in (("POST /v1/assess", a), ("GET /healthz", h)):
        rounds = " ".join(f"{x.rps:.0f}" for x in loads[name.split("/")[-1]])
        print(
            f"  {name:16} {r.rps:7.0f} req/s  p50 {r.p50_ms:6.2f} ms  p99 {r.p99_ms:6.2f} ms"
            f"  server CPU {r.cpu_ms:5.3f} ms/request  (rounds: {rounds} req/s)"
        )
    ratio = a.rps / h.rps
    verdict = "met" if ratio >= RATIO_BAR else "NOT met"
    print(
        f"assess/healthz throughput: {ratio:6.1%}  "
        f"({ratio / RATIO_BAR:.2f}x the {RATIO_BAR:.0%} bar: {verdict}); "
        f"server CPU per request, healthz/assess: {h.cpu_ms / a.cpu_ms:.1%}"
    )
    verdict = "met" if a.p99_ms < P99_BAR_MS else "NOT met"
    print(
        f"assess p99:                {a.p99_ms:6.2f} ms  "
        f"({a.p99_ms / P99_BAR_MS:.2f}x the {P99_BAR_MS:g} ms bar: {verdict})"
    )


if __name__ == "__main__":
    main()
