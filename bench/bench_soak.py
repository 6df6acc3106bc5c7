"""Benchmark: a soak of the diary server, with faults, on SQLite and PostgreSQL.

For each database it adds 6 people (`charley users add NAME`, the token read
from its piped output), starts `charley serve --workers 2` on a free loopback
port, and for a bounded time (default 60 s) runs a handful of clients at once:
- writers `POST /v1/episodes` for a person picked at random, each body
  different (time, sites, pain, remedies, sometimes a description) and marked
  in its notes; every write carries an `Idempotency-Key`, and a write whose
  answer was lost (connection error, timeout) or a 5xx is sent again with the
  same key and body until it is answered 2xx or 4xx (honouring Retry-After,
  at most 2 s);
- readers `GET /v1/episodes`, `GET /v1/episodes/summary`, `POST /v1/assess`
  and `GET /healthz`.

Faults during the run: at a quarter of the time the server is SIGKILLed (its
whole process group) and started again on the same port and database; on
PostgreSQL, past half the time, the database is stopped as a crash would stop
it (`pg_ctl stop -m immediate`) and started again some seconds later.

Afterwards every person's episodes are read back and it prints: writes
acknowledged (a 2xx answer), stored, acknowledged but missing from the store,
stored twice (a retry the server did not recognise by its key), answers by
status, p50 and p99 latency (and each kind's p50 against /healthz's, the
baseline), the seconds of 503s and of connection errors around each fault,
and the time from the database stop to the first 503. Then the bar's checks,
one PASS or FAIL line each:
- every acknowledged write is stored;
- no 500 answer;
- no 5xx outside the fault windows (a fault's window runs from the fault to
  2 s after the server answers again or the database is started again);
- PostgreSQL stopped: the first 503 within 2 s;
- after each fault's window, every answer 2xx (no 4xx, 5xx or lost answer).
It exits 0 when checks fail: it measures, it does not judge the build.

Run: make soak   (or .venv/bin/python bench/bench_soak.py [--seconds 60]
         [--db sqlite|postgresql|both] [--writers 3] [--readers 3] [--no-faults])
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sample_texts import texts

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.support.pgcluster

if TYPE_CHECKING:
    from tests.support.pgcluster import PgCluster

WORKERS = 2
PEOPLE = 6
REQUEST_TIMEOUT_S = 10.0
READY_TRIES = 300  # /healthz polls, 0.1 s apart
STOP_WAIT_S = 15.0
GRACE_S = 2.0  # a fault's window ends this long after the server or database is back
FIRST_503_BAR_S = 2.0
RETRY_PAUSE_S = 0.2
RETRY_AFTER_CAP_S = 2.0
DRAIN_S = 30.0  # how long after the run a write whose answer was lost is still retried
READ_BACK_S = 60.0
DAYS_BACK = 60
PAGE = 1000  # the API's largest `limit`

SITES = ("calf", "foot", "thigh", "hand", "neck", "back")
SIDES = ("left", "right", "both", "unknown")
REMEDIES = ("stretching", "massage", "heat", "walking it off", "water", "magnesium")
FEELS = (None, "tight knot", "twitching", "hard to touch", "aching")
# what the readers ask, with their weights
READS = (
    ("GET /v1/episodes", 3),
    ("GET /v1/episodes/summary", 2),
    ("POST /v1/assess", 3),
    ("GET /healthz", 2),
)
WRITE = "POST /v1/episodes"
# the status of an attempt that got no answer:
REFUSED = "refused"  # nothing listening on the port
CLOSED = "closed"  # the connection was closed or reset before an answer came
TIMEOUT = "timeout"  # no answer in REQUEST_TIMEOUT_S
LOST = (REFUSED, CLOSED, TIMEOUT)

Status = int | str


@dataclass(frozen=True)
class Attempt:
    """One request: what, when it was sent and answered (monotonic s), and its status."""

    kind: str
    sent: float
    done: float
    status: Status


@dataclass
class Write:
    person: str
    marker: str
    acknowledged: bool = False
    refused: int | None = None  # a 4xx answer
    attempts: int = 0


@dataclass
class Fault:
    name: str
    start: float  # when the fault was made
    down: float  # when it had taken effect (server dead, database stopped)
    back: float = 0.0  # when the server answered again, or the database was started again

    @property
    def window_end(self) -> float:
        return self.back + GRACE_S


@dataclass
class Person:
    name: str
    token: str


@dataclass
class Run:
    """What one soak saw."""

    database: str
    seconds: float
    start: float
    end: float
    attempts: list[Attempt] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    stored: Counter[str] = field(default_factory=Counter)  # marker -> stored rows
    read_back_error: str = ""
    server_exits: list[str] = field(default_factory=list)  # the server stopped by itself
    tracebacks: list[str] = field(default_factory=list)  # the last line of each


# -- the server ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """`charley serve --workers 2` in its own process group, its output in a file."""

    def __init__(self, charley: str, db: str, folder: Path) -> None:
        self.charley = charley
        self.db = db
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def logs(self) -> list[Path]:
        return [self.folder / f"server-{i}.log" for i in range(self.starts)]

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("CHARLEY_DB", None)
        cmd = [self.charley, "serve", f"--workers={WORKERS}", f"--port={self.port}"]
        cmd.append(f"--db={self.db}")
        log = self.folder / f"server-{self.starts}.log"
        self.starts += 1
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        for _ in range(READY_TRIES):
            if self.proc.poll() is not None:
                sys.exit(f"charley serve exited ({self.proc.returncode}):\n{tail(log)}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if request("GET", self.base, "/healthz", timeout=0.5)[0] == 200:
                    return
            time.sleep(0.1)
        sys.exit(f"charley serve did not answer /healthz in time:\n{tail(log)}")

    def kill(self) -> None:
        """SIGKILL the whole process group: the supervisor and its workers at once."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        """SIGTERM to uvicorn's supervisor (it stops its workers), then the group if it lingers."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):  # workers left by a dead supervisor
            os.killpg(self.proc.pid, signal.SIGKILL)

    def tracebacks(self) -> list[str]:
        """The error line that ends each traceback in the server's logs."""
        found: list[str] = []
        for p in self.logs:
            lines = p.read_text(errors="replace").splitlines()
            for i, line in enumerate(lines):
                if line.startswith("Traceback"):
                    after = (x for x in lines[i + 1 :] if x and not x.startswith((" ", "\t")))
                    found.append(next(after, "(the log ends)")[:200])
        return found


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else ""


def add_people(charley: str, db: str) -> list[Person]:
    """`charley users add NAME` for each person; piped, it prints the bare token."""
    people = []
    for i in range(1, PEOPLE + 1):
        name = f"person{i}"
        out = subprocess.run(
            [charley, "users", "add", name, f"--db={db}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if out.returncode != 0 or not out.stdout.split():
            sys.exit(f"charley users add {name} failed ({out.returncode}): {out.stderr}")
        people.append(Person(name, out.stdout.split()[-1]))
    return people


# -- the clients --------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection, opened again after any failure."""

    def __init__(self, base: str) -> None:
        self.host, port = base.removeprefix("http://").split(":")
        self.port = int(port)
        self.conn: http.client.HTTPConnection | None = None

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, http.client.HTTPMessage]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            self.conn.request(method, path, body, headers or {})
            response = self.conn.getresponse()
            return response.status, response.read(), response.headers
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def request(
    method: str, base: str, path: str, *, timeout: float = REQUEST_TIMEOUT_S
) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def lost_status(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return TIMEOUT
    return REFUSED if isinstance(exc, ConnectionRefusedError) else CLOSED


def episode_body(rng: random.Random, marker: str, descriptions: list[str]) -> bytes:
    """A varied, valid episode; `marker` in its notes finds it again."""
    started = datetime.now(UTC) - timedelta(seconds=rng.uniform(60, DAYS_BACK * 86400))
    sites = [{"site": rng.choice(SITES), "side": rng.choice(SIDES)}]
    if rng.random() < 0.2:
        sites.append({"site": rng.choice(SITES), "side": rng.choice(SIDES)})
    body: dict[str, object] = {
        "started_at": started.isoformat(),
        "sites": sites,
        "severity": rng.choice((None, *range(11))),
        "duration_seconds": rng.choice((None, round(rng.uniform(5, 1800), 1))),
        "feel": rng.choice(FEELS),
        "remedies": [
            {"remedy": r, "relief": rng.randint(0, 4)}
            for r in rng.sample(REMEDIES, rng.choice((0, 0, 1, 2)))
        ],
        "notes": marker,
        "after_exercise": rng.random() < 0.3,
        "woke": rng.random() < 0.3,
    }
    if rng.random() < 0.3:
        body["text"] = rng.choice(descriptions)
    return json.dumps(body).encode()


def retry_pause(headers: http.client.HTTPMessage | None, rng: random.Random) -> float:
    """Retry-After when the server sent one (at most 2 s), else a short pause."""
    with contextlib.suppress(TypeError, ValueError):
        if headers is not None and headers.get("Retry-After") is not None:
            return min(float(headers["Retry-After"]), RETRY_AFTER_CAP_S)
    return RETRY_PAUSE_S * (0.5 + rng.random())


class Soak:
    def __init__(self, base: str, people: list[Person], run: Run, seed: int) -> None:
        self.base = base
        self.people = people
        self.run = run
        self.seed = seed
        self.descriptions = texts()
        self.stop_at = run.start + run.seconds
        self.give_up_at = self.stop_at + DRAIN_S
        self.lock = threading.Lock()

    def record(self, attempts: list[Attempt], kind: str, sent: float, status: Status) -> None:
        attempts.append(
            Attempt(kind, sent - self.run.start, time.monotonic() - self.run.start, status)
        )

    def writer(self, n: int) -> None:
        rng = random.Random(self.seed * 1000 + n)
        client = Client(self.base)
        attempts: list[Attempt] = []
        writes: list[Write] = []
        count = 0
        while time.monotonic() < self.stop_at:
            person = rng.choice(self.people)
            key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            count += 1
            write = Write(person.name, f"soak {person.name} writer {n} write {count} key {key}")
            body = episode_body(rng, write.marker, self.descriptions)
            headers = {
                "Authorization": f"Bearer {person.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            }
            while True:  # the same key and body until answered 2xx or 4xx
                write.attempts += 1
                sent = time.monotonic()
                answer: http.client.HTTPMessage | None = None
                status: Status
                try:
                    status, _, answer = client.send("POST", "/v1/episodes", body, headers)
                except (OSError, http.client.HTTPException) as exc:
                    status = lost_status(exc)
                self.record(attempts, WRITE, sent, status)
                if isinstance(status, int) and 200 <= status < 300:
                    write.acknowledged = True
                    break
                if isinstance(status, int) and 400 <= status < 500 and status not in (409, 429):
                    write.refused = status
                    break
                if time.monotonic() > self.give_up_at:
                    break
                time.sleep(retry_pause(answer, rng))
            writes.append(write)
        client.close()
        with self.lock:
            self.run.attempts += attempts
            self.run.writes += writes

    def reader(self, n: int) -> None:
        rng = random.Random(self.seed * 1000 + 500 + n)
        client = Client(self.base)
        attempts: list[Attempt] = []
        kinds = [k for k, _ in READS]
        weights = [w for _, w in READS]
        while time.monotonic() < self.stop_at:
            kind = rng.choices(kinds, weights)[0]
            person = rng.choice(self.people)
            auth = {"Authorization": f"Bearer {person.token}"}
            body = None
            if kind == "GET /v1/episodes":
                since = datetime.now(UTC) - timedelta(days=rng.uniform(1, DAYS_BACK))
                path = "/v1/episodes?" + urlencode({"from": since.isoformat(), "limit": 50})
                headers = auth
            elif kind == "POST /v1/assess":
                path = "/v1/assess"
                body = json.dumps({"text": rng.choice(self.descriptions)}).encode()
                headers = {"Content-Type": "application/json"}
            else:
                path = kind.split(" ", 1)[1]
                headers = auth
            sent = time.monotonic()
            status: Status
            try:
                status, _, _ = client.send(kind.split(" ", 1)[0], path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                status = lost_status(exc)
            self.record(attempts, kind, sent, status)
            if not (isinstance(status, int) and status < 300):
                time.sleep(0.05)  # not a tight loop against a server that is down
        client.close()
        with self.lock:
            self.run.attempts += attempts


def read_back(base: str, people: list[Person]) -> Counter[str]:
    """Every person's episodes, by the marker in their notes (how many rows each).

    Read in time ranges of at most PAGE episodes (a full range is split in
    two), so that nothing depends on the ids' form or order."""
    stored: Counter[str] = Counter()
    client = Client(base)
    deadline = time.monotonic() + READ_BACK_S
    end = datetime.now(UTC) + timedelta(days=1)
    for person in people:
        ranges = [(end - timedelta(days=DAYS_BACK + 2), end)]
        while ranges:
            lo, hi = ranges.pop()
            query = urlencode({"from": lo.isoformat(), "to": hi.isoformat(), "limit": PAGE})
            headers = {"Authorization": f"Bearer {person.token}"}
            while True:
                try:
                    status, data, _ = client.send("GET", f"/v1/episodes?{query}", None, headers)
                except (OSError, http.client.HTTPException):
                    status, data = 0, b""
                if status == 200:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"reading {person.name}'s episodes back: {status or 'no answer'}"
                    )
                time.sleep(0.5)
            rows = json.loads(data)["episodes"]
            if len(rows) >= PAGE and hi - lo > timedelta(seconds=1):
                ranges += [(lo, lo + (hi - lo) / 2), (lo + (hi - lo) / 2, hi)]
                continue
            stored.update(row["notes"] for row in rows)
    client.close()
    return stored


# -- one run ------------------------------------------------------------------


def soak(
    database: str,
    db_url: str,
    args: argparse.Namespace,
    folder: Path,
    cluster: PgCluster | None = None,
) -> Run:
    charley = shutil.which("charley", path=str(Path(sys.executable).parent))
    if charley is None:
        sys.exit("charley is not installed in this environment (make setup)")
    people = add_people(charley, db_url)
    server = Server(charley, db_url, folder)
    server.start()
    try:
        now = time.monotonic()
        run = Run(database, args.seconds, now, now + args.seconds)
        work = Soak(server.base, people, run, args.seed)
        threads = [
            threading.Thread(target=work.writer, args=(i,), daemon=True)
            for i in range(args.writers)
        ]
        threads += [
            threading.Thread(target=work.reader, args=(i,), daemon=True)
            for i in range(args.readers)
        ]
        for t in threads:
            t.start()
        if not args.no_faults:
            make_faults(run, server, cluster)
        for t in threads:
            t.join()
        assert server.proc is not None
        if server.proc.poll() is not None:  # it died on its own: start it to read back
            log = server.logs[-1]
            run.server_exits.append(
                f"exit code {server.proc.returncode}; its log ends:\n{tail(log)}"
            )
            server.start()
        try:
            run.stored = read_back(server.base, people)
        except RuntimeError as exc:
            run.read_back_error = str(exc)
    finally:
        server.stop()
    run.tracebacks = server.tracebacks()
    return run


def at(run: Run, fraction: float) -> None:
    """Sleep until `fraction` of the run has gone by."""
    time.sleep(max(0.0, run.start + fraction * run.seconds - time.monotonic()))


def since(run: Run) -> float:
    return time.monotonic() - run.start


def make_faults(run: Run, server: Server, cluster: PgCluster | None) -> None:
    at(run, 0.25)
    fault = Fault("server SIGKILL", since(run), 0.0)
    server.kill()
    fault.down = since(run)
    server.start()  # same port, same database
    fault.back = since(run)
    run.faults.append(fault)
    if cluster is None:
        return
    at(run, 0.55)
    time.sleep(max(0.0, run.start + fault.window_end + 1 - time.monotonic()))  # one at a time
    outage = min(5.0, 0.1 * run.seconds)
    fault = Fault("PostgreSQL stop", since(run), 0.0)
    cluster.crash()  # pg_ctl stop -m immediate
    fault.down = since(run)
    time.sleep(outage)
    cluster.start_again()
    fault.back = since(run)
    run.faults.append(fault)


# -- the report ---------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest rank; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def is_error(status: Status) -> bool:
    return not (isinstance(status, int) and 200 <= status < 300)


def is_5xx(status: Status) -> bool:
    return isinstance(status, int) and status >= 500


def in_window(a: Attempt, faults: list[Fault]) -> bool:
    return any(a.sent <= f.window_end and a.done >= f.start for f in faults)


def span(attempts: list[Attempt], test: Callable[[Status], bool], origin: float) -> str:
    hits = [a.done for a in attempts if test(a.status)]
    if not hits:
        return "none"
    first, last = min(hits) - origin, max(hits) - origin
    return f"{last - first:.1f} s (+{first:.1f} to +{last:.1f} s, {len(hits)} answers)"


def status_line(counter: Counter[Status]) -> str:
    order = sorted(counter, key=lambda s: (isinstance(s, str), str(s)))
    return ", ".join(f"{s}: {counter[s]:,}" for s in order) or "none"


def report(run: Run) -> list[tuple[bool, str]]:
    attempts = sorted(run.attempts, key=lambda a: a.sent)
    acknowledged = {w.marker for w in run.writes if w.acknowledged}
    missing = [m for m in acknowledged if m not in run.stored]
    duplicates = sum(n - 1 for n in run.stored.values())
    unacknowledged_stored = sum(1 for m in run.stored if m not in acknowledged)
    unfinished = sum(1 for w in run.writes if not w.acknowledged and w.refused is None)
    refused: Counter[Status] = Counter(w.refused for w in run.writes if w.refused is not None)
    retried = sum(1 for w in run.writes if w.attempts > 1)

    print(
        f"== {run.database}: charley serve --workers {WORKERS}, {PEOPLE} people, "
        f"{len({a.kind for a in attempts})} kinds of request, {run.seconds:g} s"
    )
    for f in run.faults:
        print(
            f"  fault: {f.name} at {f.start:.1f} s; back at {f.back:.1f} s "
            f"({f.back - f.down:.1f} s down)"
        )
    print(
        f"  writes: {len(run.writes):,} made, {retried:,} sent more than once (same key); "
        f"{len(acknowledged):,} acknowledged; {len(run.stored):,} stored"
        + (f" ({sum(run.stored.values()):,} rows)" if duplicates else "")
    )
    print(
        f"          acknowledged but missing: {len(missing)}; stored twice or more: {duplicates}; "
        f"stored but never acknowledged: {unacknowledged_stored}; "
        f"no answer by the end: {unfinished}"
        + (f"; refused: {status_line(refused)}" if refused else "")
    )
    for exit in run.server_exits:
        print(f"  the server EXITED by itself during the run ({exit})")
    if run.read_back_error:
        print(f"  read back FAILED: {run.read_back_error}")
    total = Counter(a.status for a in attempts)
    print(f"  answers: {status_line(total)}  ({len(attempts):,} requests)")
    if run.tracebacks:
        print(f"  server log: {len(run.tracebacks)} tracebacks")
        for line, n in Counter(run.tracebacks).most_common(5):
            print(f"    {n} x {line}")

    steady = [a for a in attempts if not in_window(a, run.faults)]
    ms = {
        kind: [
            1000 * (a.done - a.sent) for a in steady if a.kind == kind and not is_error(a.status)
        ]
        for kind in [WRITE, *(k for k, _ in READS)]
    }
    base = percentile(ms["GET /healthz"], 50)
    print("  latency of 2xx answers outside the fault windows (the baseline: GET /healthz):")
    for kind, values in ms.items():
        p50, p99 = percentile(values, 50), percentile(values, 99)
        ratio = f"{p50 / base:5.1f}x" if base else "   - "
        print(
            f"    {kind:26} {len(values):6,}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
            f"p50 {ratio} healthz's"
        )
    everything = [1000 * (a.done - a.sent) for a in attempts]
    print(
        f"    {'every request, whole run':26} {len(everything):6,}  "
        f"p50 {percentile(everything, 50):7.1f} ms  p99 {percentile(everything, 99):7.1f} ms"
    )

    checks: list[tuple[bool, str]] = []
    first_503s: list[float | None] = []
    for i, f in enumerate(run.faults):
        until = run.faults[i + 1].start if i + 1 < len(run.faults) else float("inf")
        near = [a for a in attempts if f.start <= a.done < until]
        print(
            f"  around the {f.name} at {f.start:.1f} s (times from the fault; answers by kind "
            f"up to {GRACE_S:g} s after it was back):"
        )
        print(f"    503:                {span(near, lambda s: s == 503, f.start)}")
        lost = span(near, lambda s: s in LOST, f.start)
        kinds: Counter[Status] = Counter(a.status for a in near if a.status in LOST)
        print(f"    connection errors:  {lost}" + (f"; {status_line(kinds)}" if kinds else ""))
        other = Counter(a.status for a in near if is_5xx(a.status) and a.status != 503)
        if other:
            print(f"    other 5xx:          {status_line(other)}")
        window = [a for a in near if a.sent <= f.window_end]
        for kind in [WRITE, *(k for k, _ in READS)]:
            answers = Counter(a.status for a in window if a.kind == kind)
            print(f"    {kind:26} {status_line(answers)}")
        slowest = max((a.done - a.sent for a in window), default=0.0)
        print(f"    slowest request in the window: {slowest:.1f} s")
        if f.name.startswith("PostgreSQL"):
            after = [a.done - f.start for a in near if a.status == 503]
            first = min(after) if after else None
            first_503s.append(first)
            shown = f"{first:.2f} s" if first is not None else "no 503 at all"
            print(
                f"    database stopped to the first 503: {shown} "
                f"(pg_ctl stop -m immediate returned after {f.down - f.start:.2f} s)"
            )

    n500 = total[500]
    outside = Counter(a.status for a in steady if is_5xx(a.status))
    checks.append(
        (
            not missing and not run.read_back_error,
            f"every acknowledged write stored ({len(missing)} of {len(acknowledged):,} missing"
            + (", read back failed)" if run.read_back_error else ")"),
        )
    )
    checks.append((n500 == 0, f"no 500 answer ({n500})"))
    checks.append(
        (not outside, f"no 5xx outside the fault windows ({status_line(outside)})"),
    )
    for first in first_503s:
        shown = f"{first:.2f} s" if first is not None else "no 503 at all"
        checks.append(
            (
                first is not None and first <= FIRST_503_BAR_S,
                f"PostgreSQL stopped: a 503 within {FIRST_503_BAR_S:g} s ({shown})",
            )
        )
    for i, f in enumerate(run.faults):
        until = run.faults[i + 1].start if i + 1 < len(run.faults) else float("inf")
        later = Counter(
            a.status
            for a in attempts
            if a.sent > f.window_end and a.done < until and is_error(a.status)
        )
        checks.append(
            (
                not later,
                f"after the {f.name}, from +{f.window_end - f.start:.1f} s: "
                f"no error ({status_line(later)})",
            )
        )
    print("  checks:")
    for ok, text in checks:
        print(f"    {'PASS' if ok else 'FAIL'}  {text}")
    return checks


def runs(args: argparse.Namespace) -> Iterator[Run]:
    with tempfile.TemporaryDirectory(prefix="charley-bench-soak-") as tmp:
        folder = Path(tmp)
        if args.db in ("sqlite", "both"):
            (folder / "sqlite").mkdir()
            url = f"sqlite:///{folder / 'sqlite' / 'diary.sqlite3'}"
            yield soak("sqlite", url, args, folder / "sqlite")
        if args.db in ("postgresql", "both"):
            from tests.support.pgcluster import PgCluster

            (folder / "postgresql").mkdir()
            with PgCluster(prefix="charley-bench-soak-pg-") as cluster:
                url = cluster.create_database("soak")
                yield soak("postgresql", url, args, folder / "postgresql", cluster)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60, help="how long the clients run")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--writers", type=int, default=3, help="clients that write")
    parser.add_argument("--readers", type=int, default=3, help="clients that read")
    parser.add_argument("--no-faults", action="store_true", help="no kill, no database stop")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    print(
        f"{args.writers} writers and {args.readers} readers on loopback; "
        f"{os.cpu_count()} cores, load average before: {os.getloadavg()[0]:.2f}"
    )
    failed = total = 0
    for run in runs(args):
        checks = report(run)
        total += len(checks)
        failed += sum(1 for ok, _ in checks if not ok)
    if failed:
        print(f"{failed} of {total} checks FAILED")
    else:
        print(f"all {total} checks passed")


if __name__ == "__main__":
    main()
