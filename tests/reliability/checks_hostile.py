# SPDX-License-Identifier: MIT
"""Case 3: hostile clients, with the server's RSS (/proc/<pid>/status VmRSS) bounded."""

import concurrent.futures
import http.client
import os
import select
import socket
import threading
import time

import harness
from harness import Server

RSS_BOUND_MB = 100
# Growth allowed over the second half of a soak: bounded queues fill early, then stay flat.
FLAT_MB = 12


def serve(ctx, name, args=()):
    work = ctx.tempdir(name)
    return Server(ctx.binary, os.path.join(work, "data"), ["--quiet"] + list(args),
                  os.path.join(work, "serve-stderr.log")).start()


def seed_objects(server, count):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: server.request("POST", "/objects/Counter/s%d/increment" % i),
                      range(count)))


def soak_seconds(ctx, brief):
    return ctx.minutes * 60 if ctx.long else brief


def watch_rss(server, seconds, samples):
    """Samples RSS every half second for seconds; returns (baseline MB, peak growth MB)."""
    base = server.rss_kb()
    deadline = time.monotonic() + seconds
    peak = base
    while time.monotonic() < deadline and server.alive():
        rss = server.rss_kb()
        samples.append(rss)
        peak = max(peak, rss)
        time.sleep(0.5)
    return base / 1024, (peak - base) / 1024


def flatness(samples):
    """Growth in MB over the second half of a run: near 0 when memory is bounded."""
    if len(samples) < 4:
        return 0.0
    half = len(samples) // 2
    return (max(samples[half:]) - max(samples[:half])) / 1024


def small_rcvbuf_socket(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    return sock


def send_in_background(sock, data, stop):
    """Writes data as far as the server reads it; never reads a byte."""
    def run():
        sock.settimeout(1.0)
        view = memoryview(data)
        while view and not stop.is_set():
            try:
                sent = sock.send(view)
                view = view[sent:]
            except socket.timeout:
                continue
            except OSError:
                return
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def verdict(ctx, name, server, base, growth, samples, extra=""):
    status, _ = server.request("GET", "/health", timeout=10)
    figure = "%s: RSS %.0f MB -> +%.0f MB over %.0f s%s" % (
        name, base, growth, len(samples) / 2, extra)
    figure += ", second-half growth %.0f MB" % flatness(samples)
    assert status == 200, figure + "; /health got %s meanwhile" % status
    assert growth < RSS_BOUND_MB, figure + "; bound %d MB" % RSS_BOUND_MB
    assert flatness(samples) < FLAT_MB, figure + " (growing, not flat: bound %d MB)" % FLAT_MB
    return figure


def pipelining_no_read(ctx):
    server = serve(ctx, "pipeline")
    stop = threading.Event()
    sock = None
    try:
        seed_objects(server, 60)
        sock = small_rcvbuf_socket(server.port)
        burst = b"GET /objects?limit=1000 HTTP/1.1\r\nHost: x\r\n\r\n" * 20000
        send_in_background(sock, burst, stop)
        samples = []
        base, growth = watch_rss(server, soak_seconds(ctx, 15), samples)
        return verdict(ctx, "20,000 pipelined GET /objects, never read", server, base, growth,
                       samples)
    finally:
        stop.set()
        if sock:
            sock.close()
        server.stop()


def sse_no_read(ctx):
    server = serve(ctx, "sse")
    stop = threading.Event()
    subscribers = []
    writes = [0]
    lock = threading.Lock()

    def writer(i):
        while not stop.is_set():
            try:
                status, _ = server.request("POST", "/objects/Counter/w%d/increment" % i,
                                           body={"by": 1}, timeout=10)
            except (OSError, http.client.HTTPException):
                return
            if status == 200:
                with lock:
                    writes[0] += 1

    try:
        for _ in range(4):
            sock = small_rcvbuf_socket(server.port)
            sock.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
            subscribers.append(sock)
        threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(16)]
        for thread in threads:
            thread.start()
        samples = []
        base, growth = watch_rss(server, soak_seconds(ctx, 30), samples)
        stop.set()
        for thread in threads:
            thread.join(15)
        return verdict(ctx, "4 SSE subscribers never read, 16 writers", server, base, growth,
                       samples, ", %d writes" % writes[0])
    finally:
        stop.set()
        for sock in subscribers:
            sock.close()
        server.stop()


def slowloris(ctx):
    limit, every = 45.0, 3.0
    server = serve(ctx, "slowloris")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        started = time.monotonic()
        sock.sendall(b"GET /health HTTP/1.1\r\n")
        line = 0
        reply = b""
        while time.monotonic() - started < limit:
            readable, _, _ = select.select([sock], [], [], every)
            if readable:
                try:
                    chunk = sock.recv(4096)
                except OSError:
                    chunk = b""
                reply += chunk
                if not chunk:
                    break
                continue
            try:
                sock.sendall(b"X-Slow-%d: 1\r\n" % line)
            except OSError:
                break
            line += 1
        took = time.monotonic() - started
        closed = took < limit
        figure = "one header line every %.0f s: %s after %.0f s (%d lines)%s" % (
            every, "closed" if closed else "still open", took, line,
            ", status %s" % harness.status_of(reply) if reply else "")
        assert closed, figure + "; the head must complete within the head timeout"
        return figure
    finally:
        sock.close()
        server.stop()


def connect_burst(ctx):
    count = 2000 if ctx.long else 600
    server = serve(ctx, "burst")
    socks = {}
    try:
        started = time.monotonic()
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", server.port))
            socks[sock] = {"sent": False, "reply": b"", "done": None}
        deadline = started + 20
        pending = set(socks)
        while pending and time.monotonic() < deadline:
            want_write = [s for s in pending if not socks[s]["sent"]]
            want_read = [s for s in pending if socks[s]["sent"]]
            readable, writable, _ = select.select(want_read[:900], want_write[:900], [], 0.2)
            for sock in writable:
                try:
                    sock.send(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass
                socks[sock]["sent"] = True
            for sock in readable:
                try:
                    chunk = sock.recv(4096)
                except OSError:
                    chunk = b""
                socks[sock]["reply"] += chunk
                if not chunk or b"\r\n\r\n" in socks[sock]["reply"]:
                    socks[sock]["done"] = time.monotonic() - started
                    pending.discard(sock)
        times = sorted(v["done"] for v in socks.values() if v["done"] is not None)
        statuses = {}
        for v in socks.values():
            code = harness.status_of(v["reply"])
            statuses[code] = statuses.get(code, 0) + 1
        slow = sum(1 for t in times if t >= 1.0)
        figure = ("%d simultaneous connects: %d answered, median %.0f ms, max %.0f ms, "
                  "%d took >= 1 s; statuses %s" % (
                      count, len(times), 1000 * times[len(times) // 2] if times else -1,
                      1000 * times[-1] if times else -1, slow, statuses))
        assert len(times) == count, figure + "; some connections never finished"
        assert slow == 0, figure + " (listen backlog overflow: SYN retransmit stalls)"
        return figure
    finally:
        for sock in socks:
            sock.close()
        server.stop()


def connection_cap(ctx):
    count = 3000
    work = ctx.tempdir("cap")
    # Not --quiet: a refusal over the cap must be logged at the default level.
    server = Server(ctx.binary, os.path.join(work, "data"), [],
                    os.path.join(work, "serve-stderr.log")).start()
    socks = []
    try:
        base = server.rss_kb()
        fds_before = server.open_fds()
        # In batches, so that the listen backlog (checked by connect_burst) does not decide
        # how many connections reach the server.
        for _ in range(count // 100):
            for _ in range(100):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setblocking(False)
                sock.connect_ex(("127.0.0.1", server.port))
                socks.append(sock)
            time.sleep(0.05)
        time.sleep(3)
        held = server.open_fds() - fds_before
        growth = (server.rss_kb() - base) / 1024
        for sock in socks:
            sock.close()
        socks = []
        time.sleep(1)
        status, _ = server.request("GET", "/health", timeout=10)
        log = server.stderr_text().lower()
        figure = "%d idle connections: server holds %d, RSS +%.0f MB, /health after: %s" % (
            count, held, growth, status)
        assert status == 200, figure
        assert held < count * 0.9, figure + "; no connection cap"
        assert "connection" in log, figure + "; refusals over the cap were not logged"
        return figure
    finally:
        for sock in socks:
            sock.close()
        server.stop()


def soak_timeout(ctx):
    return ctx.minutes * 60 + 120


CHECKS = [
    ("hostile.pipelining_no_read", pipelining_no_read, 60, soak_timeout),
    ("hostile.sse_no_read", sse_no_read, 60, soak_timeout),
    ("hostile.slowloris", slowloris, 60, 60),
    ("hostile.connect_burst", connect_burst, 45, 45),
    ("hostile.connection_cap", connection_cap, 45, 45),
]
