# SPDX-License-Identifier: MIT
"""Case 1: kill -9 loop through the gateway with acknowledged-write accounting.

Client threads increment counters over HTTP. An increment that got a 2xx reply is
"acknowledged"; one that was sent but got no reply (or an error while the server died) is
"in flight": it may or may not have been applied. The server is killed with SIGKILL at random
moments (some during start-up) and restarted on the same data dir. At the end every counter
must be >= its acknowledged count (nothing acknowledged is lost) and <= acknowledged + in
flight (nothing is applied twice or invented)."""

import http.client
import os
import random
import threading
import time

import harness
from harness import Server

CLIENTS = 4
COUNTERS_PER_CLIENT = 3


class Ledger:
    """Per counter: acknowledged increments and increments whose outcome is unknown."""

    def __init__(self, names):
        self.acked = {name: 0 for name in names}
        self.maybe = {name: 0 for name in names}
        self.lock = threading.Lock()
        self.slowest_kill = 0.0  # seconds from SIGKILL to exit (long in a blocked fsync)

    def note_kill(self, seconds):
        self.slowest_kill = max(self.slowest_kill, seconds)

    def add(self, table, name):
        with self.lock:
            table[name] += 1


def client(port, names, ledger, stop):
    """Increments its counters round-robin until stop is set or the server goes away."""
    i = 0
    while not stop.is_set():
        name = names[i % len(names)]
        i += 1
        try:
            status, body = harness.request(port, "POST", "/objects/Counter/%s/increment" % name,
                                           timeout=10)
        except (OSError, http.client.HTTPException):
            # No reply, or a reply cut off by the kill: the increment may or may not be applied.
            ledger.add(ledger.maybe, name)
            return
        if 200 <= status < 300:
            ledger.add(ledger.acked, name)
        else:
            # A definite error reply (e.g. 503 while stopping) may still follow a commit only if
            # the server is broken; count it as unknown so the check stays sound.
            ledger.add(ledger.maybe, name)
            if status >= 500:
                return


def one_cycle(server, ledger, names, rng, cycle):
    """Start, let clients write for a random while, kill -9. Returns True if the kill was aimed
    at start-up (every fifth cycle, and at random)."""
    server.spawn()
    if cycle % 5 == 1 or rng.random() < 0.1:
        time.sleep(rng.uniform(0.0, 0.15))
        ledger.note_kill(server.kill9())
        return True
    server.wait_listening(timeout=30)
    stop = threading.Event()
    threads = []
    for c in range(CLIENTS):
        mine = names[c * COUNTERS_PER_CLIENT:(c + 1) * COUNTERS_PER_CLIENT]
        thread = threading.Thread(target=client, args=(server.port, mine, ledger, stop),
                                  daemon=True)
        thread.start()
        threads.append(thread)
    time.sleep(rng.uniform(0.2, 1.2))
    ledger.note_kill(server.kill9())
    stop.set()
    for thread in threads:
        thread.join(15)
    return False


def final_counts(server, names):
    server.start()
    try:
        counts = {}
        for name in names:
            status, body = server.request("GET", "/objects/Counter/%s" % name)
            if status == 404:
                counts[name] = 0
                continue
            assert status == 200, "reading %s after the loop got %s %r" % (name, status, body)
            counts[name] = int(body.get("kv", {}).get("count", 0))
        return counts
    finally:
        server.stop()


def kill_loop(ctx, durability):
    cycles = 10 if not ctx.long else 10 ** 9
    seconds = 35 if not ctx.long else ctx.minutes * 60
    work = ctx.tempdir("kill9-" + durability)
    server = Server(ctx.binary, os.path.join(work, "data"),
                    ["--quiet", "--durability", durability],
                    os.path.join(work, "serve-stderr.log"))
    names = ["k%d" % i for i in range(CLIENTS * COUNTERS_PER_CLIENT)]
    ledger = Ledger(names)
    rng = random.Random(int(time.time()))
    started = time.monotonic()
    done = startup_kills = 0
    while done < cycles and time.monotonic() - started < seconds:
        startup_kills += one_cycle(server, ledger, names, rng, done)
        done += 1
    counts = final_counts(server, names)
    acked = sum(ledger.acked.values())
    maybe = sum(ledger.maybe.values())
    lost = sum(max(0, ledger.acked[n] - counts[n]) for n in names)
    extra = sum(max(0, counts[n] - ledger.acked[n] - ledger.maybe[n]) for n in names)
    figure = ("durability %s: %d cycles (%d killed in start-up), %d acknowledged, %d in flight, "
              "lost %d, over-applied %d, %.0f acknowledged/s, slowest kill %.2f s"
              % (durability, done, startup_kills, acked, maybe, lost, extra,
                 acked / max(0.001, time.monotonic() - started), ledger.slowest_kill))
    assert done - startup_kills > 0 and acked > 0, figure + "; no write was acknowledged"
    assert lost == 0 and extra == 0, figure
    return figure


def kill_loop_normal(ctx):
    return kill_loop(ctx, "normal")


def kill_loop_full(ctx):
    return kill_loop(ctx, "full")


def long_timeout(ctx):
    return ctx.minutes * 60 + 300


CHECKS = [
    ("kill9.normal", kill_loop_normal, 90, long_timeout),
    ("kill9.full", kill_loop_full, 90, long_timeout),
]
