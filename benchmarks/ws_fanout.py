"""WebSocket fan-out: 1,000 clients on one API process, events from a worker-like publisher.

Clients run in separate processes (asyncio + `websockets`) and connect to
`/api/v1/ws` (bearer header): first all as one user, then spread over 100 users (10 connections
each). A publisher process appends events with `app.realtime.bus.publish_sync`, the call
workers make; each event carries its send time and clients record the receipt time.

Phases per layout: steady (10 ticks/s; a tick is one event per user, so both layouts
deliver 10,000 messages/s), then a burst published as fast as one process can (per user
below the hub's 2,000-event client queue, so no client is cut off), for deliveries/s.

    python benchmarks/ws_fanout.py --connections 1000 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

import psutil
import redis
from _platform import Platform, machine_facts, percentiles, raise_fd_limit
from _render_load import WORKER_NICE, render_beside
from websockets.asyncio.client import connect

GOAL_P99_MS = 100.0
# --beside: the render's nice level (None: no render)
BESIDE: dict[str, int | None] = {"quiet": None, "render": WORKER_NICE,
                                 "render-unniced": 0}
CONNECT_CONCURRENCY = 25  # handshakes in flight per client process
TICK = "bench.tick"


# ---- client processes -------------------------------------------------------------------

class Tally:
    def __init__(self) -> None:
        self.connected = 0
        self.closed = 0
        self.failed = 0
        self.steady: list[float] = []
        self.burst = 0
        self.burst_last = 0.0

    def on_message(self, text: str | bytes) -> None:
        now = time.time()
        if TICK not in text:  # `ready` and `ping` frames
            return
        event = json.loads(text)
        if event["phase"] == "steady":
            self.steady.append((now - event["sent"]) * 1000)
        else:
            self.burst += 1
            self.burst_last = now


async def _client(target: tuple[str, str], tally: Tally, gate: asyncio.Semaphore, compression: bool,
                  stop: asyncio.Event) -> None:
    async with gate:
        try:
            url, token = target
            ws = await connect(url, ping_interval=None, max_queue=None, open_timeout=120,
                               compression="deflate" if compression else None,
                               additional_headers={"Authorization": f"Bearer {token}"})
        except Exception:
            tally.failed += 1
            return
    tally.connected += 1
    try:
        async for message in ws:
            tally.on_message(message)
    except Exception:
        pass
    finally:
        if not stop.is_set():
            tally.closed += 1
        await ws.close()


async def _clients_main(pipe: Connection, urls: list[tuple[str, str]], compression: bool) -> None:
    tally, stop = Tally(), asyncio.Event()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    tasks = [asyncio.create_task(_client(u, tally, gate, compression, stop)) for u in urls]
    while True:
        command = await asyncio.to_thread(pipe.recv)
        if command == "stats":
            pipe.send({"connected": tally.connected, "closed": tally.closed,
                       "failed": tally.failed, "steady": len(tally.steady),
                       "burst": tally.burst, "burst_last": tally.burst_last})
        elif command == "steady":
            pipe.send(tally.steady)
            tally.steady = []
        else:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            pipe.send("bye")
            return


def clients_process(pipe: Connection, urls: list[tuple[str, str]], compression: bool) -> None:
    raise_fd_limit()
    asyncio.run(_clients_main(pipe, urls, compression))


# ---- publisher process ------------------------------------------------------------------

def publisher_process(redis_url: str, user_ids: list[str], phase: str, rate: float,
                      ticks: int, pipe: Connection) -> None:
    """`ticks` rounds of one event per user: `rate` rounds a second, or flat out (rate 0)."""
    from app.realtime.bus import publish_sync

    client = redis.Redis.from_url(redis_url)
    started = time.time()
    next_tick = time.perf_counter()
    for seq in range(ticks):
        for user_id in user_ids:
            publish_sync(client, user_id, {"type": TICK, "phase": phase, "seq": seq,
                                           "sent": time.time()})
        if rate:
            next_tick += 1.0 / rate
            time.sleep(max(0.0, next_tick - time.perf_counter()))
    pipe.send((started, time.time()))
    client.close()


def publish(redis_url: str, user_ids: list[str], phase: str, rate: float,
            ticks: int) -> tuple[float, float]:
    ours, theirs = mp.Pipe()
    proc = mp.Process(target=publisher_process,
                      args=(redis_url, user_ids, phase, rate, ticks, theirs))
    proc.start()
    started, ended = ours.recv()
    proc.join()
    return started, ended


# ---- orchestration ----------------------------------------------------------------------

class ClientFleet:
    """The client processes, each holding its share of the connections."""

    def __init__(self, urls: list[tuple[str, str]], processes: int, compression: bool) -> None:
        self.pipes: list[Connection] = []
        self.procs: list[mp.Process] = []
        for index in range(processes):
            ours, theirs = mp.Pipe()
            proc = mp.Process(target=clients_process,
                              args=(theirs, urls[index::processes], compression))
            proc.start()
            self.pipes.append(ours)
            self.procs.append(proc)

    def ask(self, command: str) -> list[Any]:
        for pipe in self.pipes:
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def totals(self) -> dict[str, float]:
        stats = self.ask("stats")
        return {"connected": sum(s["connected"] for s in stats),
                "closed": sum(s["closed"] for s in stats),
                "failed": sum(s["failed"] for s in stats),
                "steady": sum(s["steady"] for s in stats),
                "burst": sum(s["burst"] for s in stats),
                "burst_last": max(s["burst_last"] for s in stats)}

    def wait_connected(self, wanted: int, deadline_s: float = 120.0) -> None:
        end = time.monotonic() + deadline_s
        while (totals := self.totals())["connected"] < wanted:
            if totals["failed"] or time.monotonic() > end:
                raise RuntimeError(f"{totals['connected']} of {wanted} clients connected, "
                                   f"{totals['failed']} failed")
            time.sleep(0.5)  # poll interval of a bounded wait

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(psutil.Process(proc.pid)) for proc in self.procs)

    def drain(self, key: str, expected: int, deadline_s: float) -> dict[str, float]:
        """Wait until `expected` messages of a phase arrived, or none came for 3 s."""
        end = time.monotonic() + deadline_s
        seen, still_since = -1.0, time.monotonic()
        while time.monotonic() < end:
            totals = self.totals()
            if totals[key] >= expected:
                break
            if totals[key] != seen:
                seen, still_since = totals[key], time.monotonic()
            elif time.monotonic() - still_since > 3.0:
                break  # nothing more is coming
            time.sleep(0.5)  # poll interval of a bounded wait
        return totals

    def close(self) -> None:
        self.ask("exit")
        for proc in self.procs:
            proc.join(30)


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def run_layout(platform: Platform, api: psutil.Process, label: str, tokens: list[str],
               user_ids: list[str], args: argparse.Namespace) -> None:
    urls = [(platform.ws_url, token) for token in tokens]
    rss_idle = api.memory_info().rss
    fleet = ClientFleet(urls, args.client_processes, args.compression)
    try:
        started = time.monotonic()
        fleet.wait_connected(len(urls))
        connect_s = time.monotonic() - started
        time.sleep(2.0)  # let the handshakes' garbage settle before reading RSS
        rss_open = api.memory_info().rss
        print(f"\n[{label}] {len(urls)} connections over {len(user_ids)} user(s), "
              f"connected in {connect_s:.1f} s")
        print(f"  API RSS        {rss_idle / 2**20:.1f} MiB before, {rss_open / 2**20:.1f} MiB "
              f"with {len(urls)} idle connections: "
              f"{(rss_open - rss_idle) / len(urls) / 1024:.1f} KiB per connection")

        ticks = round(args.rate * args.seconds)
        cpu0, clients0, wall0 = cpu_seconds(api), fleet.cpu_seconds(), time.monotonic()
        publish(platform.redis_url, user_ids, "steady", args.rate, ticks)
        expected = ticks * len(urls)
        fleet.drain("steady", expected, args.drain_timeout)  # late ones count, with their delay
        cpu_steady, wall = cpu_seconds(api) - cpu0, time.monotonic() - wall0
        clients_steady = fleet.cpu_seconds() - clients0
        latencies = [v for chunk in fleet.ask("steady") for v in chunk]
        p = percentiles(latencies)
        print(f"  steady         {args.rate:g} ticks/s for {args.seconds:g} s: "
              f"{len(latencies)}/{expected} delivered ({expected / args.seconds:.0f} "
              "messages/s offered)")
        print(f"  latency ms     p50 {p['p50']:.1f}  p90 {p['p90']:.1f}  p99 {p['p99']:.1f}  "
              f"max {p['max']:.1f}   (goal p99 <= {GOAL_P99_MS:.0f})")
        print(f"  API CPU        {cpu_steady / wall:.0%} of one core over {wall:.1f} s, "
              f"{cpu_steady * 1e6 / max(len(latencies), 1):.0f} us per delivered message; "
              f"client processes {clients_steady / wall:.0%} of one core")

        burst_ticks = args.burst
        expected = burst_ticks * len(urls)
        cpu0 = cpu_seconds(api)
        first, published = publish(platform.redis_url, user_ids, "burst", 0, burst_ticks)
        totals = fleet.drain("burst", expected, args.drain_timeout)
        cpu_burst = cpu_seconds(api) - cpu0
        span = max(totals["burst_last"] - first, 1e-9)
        print(f"  burst          {burst_ticks * len(user_ids)} events published in "
              f"{published - first:.2f} s; {int(totals['burst'])}/{expected} delivered in "
              f"{span:.2f} s: {totals['burst'] / span:,.0f} deliveries/s")
        print(f"  API CPU        {cpu_burst * 1e6 / max(totals['burst'], 1):.0f} us per "
              f"delivered message; clients cut off: {int(totals['closed'])}; "
              f"RSS after {api.memory_info().rss / 2**20:.1f} MiB")
    finally:
        fleet.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--users", type=int, default=100, help="users of the spread layout")
    parser.add_argument("--rate", type=float, default=10.0, help="steady ticks per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady phase length")
    parser.add_argument("--burst", type=int, default=300,
                        help="events per user in the burst (kept below 2,000)")
    parser.add_argument("--drain-timeout", type=float, default=90.0)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--compression", action=argparse.BooleanOptionalAction, default=True,
                        help="offer permessage-deflate, as browsers do")
    parser.add_argument("--layouts", default="one,spread",
                        help="comma-separated: one (all as one user), spread (over --users)")
    parser.add_argument("--beside", default="quiet",
                        help="comma-separated conditions, each run in turn: quiet (nothing "
                             "else runs), render (a 1080x1920 render loops beside, its ffmpeg "
                             "at RENDER_NICE as workers start it), render-unniced (the same "
                             "at normal priority)")
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()
    args.burst = min(args.burst, 1900)
    conditions = args.beside.split(",")
    unknown = set(conditions) - set(BESIDE)
    if unknown:
        parser.error(f"--beside: unknown {', '.join(sorted(unknown))}; choose from "
                     f"{', '.join(BESIDE)}")

    print(f"machine: {machine_facts()}; open files limit {raise_fd_limit()}")
    with Platform(redis_db=args.redis_db) as platform:
        api = platform.start_api().process
        with ThreadPoolExecutor(4) as pool:  # argon2 makes each registration ~0.1 s
            accounts = list(pool.map(lambda _: platform.create_account(), range(args.users)))
        print(f"API {platform.base_url} (pid {api.pid}, one process); {args.client_processes} "
              f"client processes; compression {'deflate' if args.compression else 'off'}")
        time.sleep(1.0)
        layouts = args.layouts.split(",")
        for condition in conditions:
            nice = BESIDE[condition]
            with contextlib.nullcontext() if nice is None else render_beside(nice):
                where = "" if nice is None else f", beside a render at nice {nice}"
                if "one" in layouts:
                    one = accounts[0]
                    run_layout(platform, api, f"one user{where}",
                               [one.token] * args.connections, [one.user_id], args)
                if "spread" in layouts:
                    spread = [accounts[i % len(accounts)] for i in range(args.connections)]
                    run_layout(platform, api, f"{len(accounts)} users{where}",
                               [a.token for a in spread], [a.user_id for a in accounts], args)


if __name__ == "__main__":
    main()
