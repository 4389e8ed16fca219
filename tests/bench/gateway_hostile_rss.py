#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Resident memory of `durable serve` under the two hostile clients of issue 14, item 2.

  pipeline  one client sends 20,000 "GET /objects?limit=1000" in one write and never reads
            (4 KB receive buffer)
  events    4 /events subscribers never read while 16 connections call Counter increments

Prints the server's RSS every few seconds and the growth as one JSON line per scenario. Not a
CTest test (RSS depends on the machine): run by hand before and after a gateway change, e.g.
  tests/bench/gateway_hostile_rss.py build/ci/app/durable
"""
import json, os, re, socket, subprocess, sys, tempfile, threading, time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def start(durable, data):
    proc = subprocess.Popen([durable, "serve", "--demo", "--data", data, "--listen", "127.0.0.1:0", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            return proc, int(match.group(1))
    raise SystemExit("durable serve did not start")


def request(method, path, body=b""):
    return (f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def slow_socket(port):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    return sock


def seed(port, objects):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"".join(request("POST", f"/objects/Counter/c{i}/increment", b"1") for i in range(objects)))
    seen, buffer = 0, b""
    while seen < objects:
        buffer += sock.recv(65536)
        seen = buffer.count(b"HTTP/1.1 ")
    sock.close()


def watch(proc, seconds, label):
    start_kb = rss_kb(proc.pid)
    peak = start_kb
    began = time.time()
    while time.time() - began < seconds:
        time.sleep(2)
        if proc.poll() is not None:
            break
        peak = max(peak, rss_kb(proc.pid))
        print(f"  {label} t={time.time() - began:4.0f}s rss={rss_kb(proc.pid) / 1024:7.1f} MB", file=sys.stderr)
    return {"scenario": label, "seconds": seconds, "startMB": round(start_kb / 1024, 1),
            "peakMB": round(peak / 1024, 1), "growthMB": round((peak - start_kb) / 1024, 1)}


def pipeline(durable, seconds):
    with tempfile.TemporaryDirectory() as data:
        proc, port = start(durable, data)
        seed(port, 1000)
        sock = slow_socket(port)
        payload = request("GET", "/objects?limit=1000") * 20000
        # The server may stop reading: send from a thread so the watch goes on.
        threading.Thread(target=lambda: sock.sendall(payload), daemon=True).start()
        result = watch(proc, seconds, "pipeline")
        proc.terminate(); proc.wait()
        return result


def events(durable, seconds):
    with tempfile.TemporaryDirectory() as data:
        proc, port = start(durable, data)
        subscribers = []
        for _ in range(4):
            sock = slow_socket(port)
            sock.sendall(request("GET", "/events"))
            subscribers.append(sock)
        stop = threading.Event()

        def writer(index):
            sock = socket.create_connection(("127.0.0.1", port))
            body = b"1"
            while not stop.is_set():
                try:
                    sock.sendall(request("POST", f"/objects/Counter/w{index}/increment", body) * 16)
                    got = b""
                    while got.count(b"HTTP/1.1 ") < 16:
                        chunk = sock.recv(65536)
                        if not chunk:
                            return
                        got += chunk
                except OSError:
                    return

        threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(16)]
        for thread in threads:
            thread.start()
        result = watch(proc, seconds, "events")
        stop.set()
        alive = 0
        for sock in subscribers:
            # Drain what was buffered: a dropped subscriber then reads EOF or a reset.
            sock.setblocking(False)
            try:
                while sock.recv(65536):
                    pass
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        result["subscribersStillConnected"] = alive
        proc.terminate(); proc.wait()
        return result


if __name__ == "__main__":
    durable = sys.argv[1] if len(sys.argv) > 1 else "build/ci/app/durable"
    print(json.dumps(pipeline(durable, 26)))
    print(json.dumps(events(durable, 40)))
