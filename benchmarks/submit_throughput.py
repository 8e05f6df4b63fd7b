"""Submit throughput and latency through the whole API path.

Each request is `POST /api/v1/tasks/submit/video` with a real JWT and a body that names the
caller's uploaded image: auth, validation, the asset check, the quota checks (per-user
advisory lock and window counts; the plan's limits are set out of reach), the insert, the
commit, the publish to Redis and the `queued` update all run. Each client is its own user
by default (`--users 1` puts them all behind one user's quota lock). No worker consumes;
the queue is purged after each phase, so the global queue-depth guard never trips.

The load generator runs on the same cores as the API, PostgreSQL and Redis, so the API
process's own CPU time per request is printed too. `wrk` (apt-get install wrk) costs far
less CPU than the Python client; both run by default when it is installed.

    python benchmarks/submit_throughput.py --seconds 20 --clients 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import psutil
import psycopg
import redis
from _paced import paced_load, prepared_post
from _platform import Account, Platform, libpq_conninfo, machine_facts, percentiles, sync_url
from _tools import ensure

GOAL_RPS = 400
GOAL_P99_MS = 100.0
SUBMIT_PATH = "/api/v1/tasks/submit/video"
# wrk stops at its deadline with requests in flight; the API finishes them meanwhile.
SETTLE_S = 2.0


@dataclass
class Caller:
    """One user's credentials and a valid submit body naming that user's image."""

    token: str
    body: str


@dataclass
class Outcome:
    client: str
    seconds: float
    ok: int
    errors: int
    latencies_ms: dict[str, float]
    client_cpu_s: float
    api_cpu_s: float = 0.0
    machine_busy: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)


def submit_body(asset_id: str) -> dict[str, object]:
    """The cheapest valid slideshow: one photo, half a second, no transition."""
    return {"asset_ids": [asset_id], "seconds_per_image": 0.5, "transition": "none",
            "resolution": "1080x1080", "fps": 24}


def make_callers(platform: Platform, users: int) -> list[Caller]:
    def one(_: int) -> Caller:
        account: Account = platform.create_account()
        body = json.dumps(submit_body(platform.upload_image(account)))
        return Caller(account.token, body)

    with ThreadPoolExecutor(4) as pool:  # argon2 makes each registration ~0.1 s
        return list(pool.map(one, range(users)))


async def _httpx_load(base_url: str, callers: list[Caller], clients: int,
                      seconds: float) -> tuple[list[float], Counter[str]]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        end = time.perf_counter() + seconds

        async def one_client(caller: Caller) -> None:
            headers = {"Authorization": f"Bearer {caller.token}",
                       "Content-Type": "application/json"}
            while time.perf_counter() < end:
                start = time.perf_counter()
                try:
                    answer = await client.post(SUBMIT_PATH, content=caller.body,
                                               headers=headers)
                    statuses[str(answer.status_code)] += 1
                    if answer.status_code == 202:
                        latencies.append((time.perf_counter() - start) * 1000)
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1

        await asyncio.gather(*(one_client(callers[i % len(callers)]) for i in range(clients)))
    return latencies, statuses


def run_httpx(platform: Platform, callers: list[Caller], clients: int,
              seconds: float) -> Outcome:
    cpu0 = time.process_time()
    started = time.perf_counter()
    latencies, statuses = asyncio.run(_httpx_load(platform.base_url, callers, clients,
                                                  seconds))
    elapsed = time.perf_counter() - started
    ok = statuses["202"]
    return Outcome(f"httpx.AsyncClient, {clients} coroutines in this process", elapsed, ok,
                   sum(statuses.values()) - ok, percentiles(latencies),
                   time.process_time() - cpu0, statuses=statuses)


def run_paced(platform: Platform, callers: list[Caller], clients: int, seconds: float,
              rate: float, keyed: bool = False) -> Outcome:
    """An open loop at `rate` submits/s over `clients` connections, in this process;
    `keyed`: each submit carries a fresh Idempotency-Key."""
    host = platform.base_url.split("://", 1)[1]
    requests = [prepared_post(host=host, path=SUBMIT_PATH, token=c.token, body=c.body,
                              keyed=keyed)
                for c in (callers[i % len(callers)] for i in range(clients))]
    cpu0 = time.process_time()
    latencies, statuses = asyncio.run(paced_load(base_url=platform.base_url,
                                                 requests=requests, rate=rate,
                                                 seconds=seconds))
    ok = statuses["202"]
    keys = ", each with a fresh Idempotency-Key" if keyed else ""
    return Outcome(f"paced: {rate:g} submits/s offered over {clients} connections{keys}, "
                   "latency from each scheduled send", seconds, ok,
                   sum(statuses.values()) - ok, percentiles(latencies),
                   time.process_time() - cpu0, statuses=statuses)


# Requests are prepared once per caller and handed out in turn.
WRK_SCRIPT = """
local callers = %(callers)s
local prepared = {}
local turn = 0

function init(args)
  for i, c in ipairs(callers) do
    prepared[i] = wrk.format("POST", "%(path)s", {
      ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. c[1]}, c[2])
  end
end

function request()
  turn = turn %% #prepared + 1
  return prepared[turn]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"p50":%%d,"p90":%%d,"p99":%%d,"max":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def run_wrk(platform: Platform, callers: list[Caller], clients: int, seconds: float) -> Outcome:
    """One wrk run (a separate process, one thread); its CPU time comes from rusage."""
    script = platform.root / "submit.lua"
    entries = ", ".join(f"{{[[{c.token}]], [[{c.body}]]}}" for c in callers)
    script.write_text(WRK_SCRIPT % {"callers": "{" + entries + "}", "path": SUBMIT_PATH})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([ensure("wrk"), "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s",
                          "--timeout", "10s", "-s", str(script), platform.base_url],
                         capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = json.loads(next(raw for raw in reversed(out.splitlines()) if raw[:1] == "{"))
    errors = sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))
    latencies = {k: summary[k] / 1000 for k in ("p50", "p90", "p99", "max")}
    return Outcome("wrk -t1, a separate process", summary["duration_us"] / 1e6,
                   summary["requests"] - errors, errors, latencies, cpu)


def purge_queue(redis_url: str) -> int:
    """Delete the video queue's lists (every priority level); returns the messages dropped."""
    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter(match="video*"))
        dropped = sum(int(client.llen(key)) for key in keys)
        if keys:
            client.delete(*keys)
    return dropped


def cpu_seconds(process: psutil.Process) -> float:
    """CPU time of the API: its process and, with `--workers`, its worker processes."""
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def print_outcome(run: Outcome) -> None:
    lat = run.latencies_ms
    print(f"\n[{run.client}]")
    print(f"  submits/s      {run.ok / run.seconds:8.1f}   (goal >= {GOAL_RPS})  ok={run.ok} "
          f"errors={run.errors}" + (f" {dict(run.statuses)}" if run.errors else ""))
    print(f"  latency ms     p50 {lat['p50']:.1f}  p90 {lat['p90']:.1f}  p99 {lat['p99']:.1f}  "
          f"max {lat['max']:.1f}   (goal p99 <= {GOAL_P99_MS:.0f})")
    print(f"  API CPU        {run.api_cpu_s * 1000 / max(run.ok, 1):8.2f} ms/request "
          f"({run.api_cpu_s / run.seconds:.0%} of one core)")
    print(f"  client CPU     {run.client_cpu_s * 1000 / max(run.ok, 1):8.2f} ms/request "
          f"({run.client_cpu_s / run.seconds:.0%} of one core)")
    print(f"  machine busy   {run.machine_busy:.0%} of both cores (everything on the machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per client")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before")
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections")
    parser.add_argument("--users", type=int, default=0, help="accounts (default: one per client)")
    parser.add_argument("--client", choices=["httpx", "wrk", "paced", "all"],
                        action="append",
                        help="load generators, in turn (repeatable; default: wrk and paced "
                             "when wrk is installed, else httpx and paced)")
    parser.add_argument("--rate", type=float, default=float(GOAL_RPS),
                        help="submits/s that the paced client offers")
    parser.add_argument("--fair-share", type=int, default=None,
                        help="FAIR_SHARE_PER_USER for the API (0: every job is published "
                             "to the broker; default: the platform's, which holds a user's "
                             "jobs beyond one queued message in PostgreSQL)")
    parser.add_argument("--workers", type=int, default=1,
                        help="API processes behind the one port (uvicorn --workers)")
    parser.add_argument("--idempotency-keys", action="store_true",
                        help="the paced client sends a fresh Idempotency-Key with each submit "
                             "(the keyed path; paced only)")
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()
    if args.idempotency_keys and set(args.client or []) != {"paced"}:
        parser.error("--idempotency-keys goes with --client paced alone")

    print(f"machine: {machine_facts()}")
    with Platform(redis_db=args.redis_db) as platform:
        env = {} if args.fair_share is None else {"FAIR_SHARE_PER_USER": str(args.fair_share)}
        api = platform.start_api(env=env, workers=args.workers).process
        callers = make_callers(platform, args.users or args.clients)
        processes = "one process" if args.workers == 1 else f"{args.workers} processes"
        print(f"API {platform.base_url} (pid {api.pid}, {processes}); Redis db "
              f"{platform.redis_db}; {args.clients} clients as {len(callers)} users; "
              f"{args.warmup:g} s warm-up, {args.seconds:g} s measured; no worker consumes")
        kinds = args.client or ["wrk" if shutil.which("wrk") else "httpx", "paced"]
        if "all" in kinds:
            kinds = ["httpx", "wrk", "paced"]
        if "wrk" in kinds:
            ensure("wrk")  # installed now (apt-get, as root) or named in one line
        runners: dict[str, Callable[[Platform, list[Caller], int, float], Outcome]] = {
            "httpx": run_httpx, "wrk": run_wrk,
            "paced": lambda p, c, n, s: run_paced(p, c, n, s, args.rate,
                                                  args.idempotency_keys)}
        purged = 0
        for kind in kinds:
            runner = runners[kind]
            runner(platform, callers, args.clients, args.warmup)
            time.sleep(SETTLE_S)
            purged += purge_queue(platform.redis_url)
            api_cpu0, machine0 = cpu_seconds(api), psutil.cpu_times()
            run = runner(platform, callers, args.clients, args.seconds)
            machine1 = psutil.cpu_times()
            run.api_cpu_s = cpu_seconds(api) - api_cpu0
            busy = (sum(machine1) - machine1.idle) - (sum(machine0) - machine0.idle)
            run.machine_busy = busy / max(sum(machine1) - sum(machine0), 1e-9)
            print_outcome(run)
            time.sleep(SETTLE_S)
            purged += purge_queue(platform.redis_url)
        with psycopg.connect(libpq_conninfo(sync_url(platform.database_url))) as conn:
            rows = conn.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall()
        print(f"\njobs rows by state: {dict(rows)}; broker messages purged: {purged}")


if __name__ == "__main__":
    main()
