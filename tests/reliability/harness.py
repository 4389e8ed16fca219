# SPDX-License-Identifier: MIT
"""Drives `durable serve` from the outside: start, kill -9, stop, HTTP calls, RSS.

Standard library only. Every child process is registered so that the suite can kill
whatever it started on any exit (normal, exception, SIGINT/SIGTERM, hard timeout).
"""

import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import threading
import time

_children = set()
_children_lock = threading.Lock()
_closing = False


def register(proc):
    """Tracks a child; once the suite is closing, a child started late is killed at once."""
    with _children_lock:
        _children.add(proc)
        closing = _closing
    if closing:
        kill_all_children()
    return proc


def kill_all_children(final=False):
    """Kills every process the suite started and has not reaped yet (by pid, never by name).
    final: the suite is exiting, so children that checks still start are killed too."""
    global _closing
    with _children_lock:
        _closing = _closing or final
        procs = list(_children)
        _children.clear()
    for proc in procs:
        if proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _forget(proc):
    with _children_lock:
        _children.discard(proc)


class StartFailed(Exception):
    pass


class Server:
    """One `durable serve` process on a data directory, listening on a free loopback port."""

    def __init__(self, binary, data_dir, args=(), stderr_path=None):
        self.binary = binary
        self.data_dir = data_dir
        self.args = list(args)
        self.stderr_path = stderr_path or os.path.join(
            os.path.dirname(data_dir.rstrip("/")) or ".", "serve-stderr.log")
        self.proc = None
        self.port = None

    # -- life cycle -------------------------------------------------------------------------

    def spawn(self):
        """Starts the process without waiting for it to listen (for kills during start-up)."""
        stderr = open(self.stderr_path, "ab")
        self.proc = register(subprocess.Popen(
            [self.binary, "serve", "--demo", "--data", self.data_dir, "--listen", "127.0.0.1:0"]
            + self.args,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen")))
        stderr.close()
        self.port = None
        return self

    def wait_listening(self, timeout=30.0):
        """Reads "listening on http://127.0.0.1:PORT" from stdout; StartFailed otherwise."""
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                line += chunk
                if b"\n" in line:
                    text = line.split(b"\n", 1)[0].decode("utf-8", "replace")
                    if text.startswith("listening on http://"):
                        self.port = int(text.rsplit(":", 1)[1])
                        return self
                    raise StartFailed("unexpected first line from serve: %r" % text)
            elif self.proc.poll() is not None:
                break
        try:
            code = self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            code = None
        raise StartFailed("serve did not start (exit %s): %s%s"
                          % (code, self.stderr_tail(), _lock_holder(self.stderr_tail())))

    def start(self, timeout=30.0):
        return self.spawn().wait_listening(timeout)

    def kill9(self, timeout=60.0):
        """SIGKILL and wait until the process is gone: a process blocked in an fsync dies only
        when the fsync returns, and a restart before then finds its data dir still locked.
        Returns the seconds from the signal to the exit."""
        started = time.monotonic()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if not self._reap(timeout):
            raise StartFailed("serve (pid %d) was still alive %.0f s after SIGKILL"
                              % (self.proc.pid, timeout))
        return time.monotonic() - started

    def stop(self, timeout=30.0):
        """SIGTERM and wait; returns the exit code, or None if it had to be killed."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self._reap(10)
            return None
        self._reap(1)
        return code

    def _reap(self, timeout):
        """Waits for the exit; True once the process is gone (and then forgets it)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        if self.proc.stdout:
            self.proc.stdout.close()
        _forget(self.proc)
        return True

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # -- observation ------------------------------------------------------------------------

    def rss_kb(self):
        """VmRSS of the server from /proc/<pid>/status, in KiB (0 once it is gone)."""
        try:
            with open("/proc/%d/status" % self.proc.pid) as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def open_fds(self):
        try:
            return len(os.listdir("/proc/%d/fd" % self.proc.pid))
        except OSError:
            return 0

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_tail(self, chars=600):
        return self.stderr_text()[-chars:].strip()

    # -- HTTP -------------------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=15.0):
        return request(self.port, method, path, body, headers, timeout)


def _lock_holder(message):
    """For "in use by another engine (process N ...)": what /proc says about process N, to tell a
    stale lock from a live holder when a restart fails."""
    match = re.search(r"in use by another engine \(process (\d+)", message)
    if not match:
        return ""
    try:
        with open("/proc/%s/stat" % match.group(1)) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return " [process %s: state %s]" % (match.group(1), fields[0])
    except OSError:
        return " [process %s: gone]" % match.group(1)


def request(port, method, path, body=None, headers=None, timeout=15.0):
    """One HTTP/1.1 request on a fresh connection: (status, parsed JSON or raw text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = None
        hdrs = dict(headers or {})
        if body is not None:
            payload = json.dumps(body).encode() if not isinstance(body, bytes) else body
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=payload, headers=hdrs)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            parsed = raw.decode("utf-8", "replace")
        return response.status, parsed
    finally:
        conn.close()


def raw_exchange(port, data, timeout=10.0, rcvbuf=None):
    """Sends raw bytes and reads until the server closes or timeout: the bytes received."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(timeout)
    try:
        sock.connect(("127.0.0.1", port))
        sock.sendall(data)
        received = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and _complete(received):
                break
        return received
    finally:
        sock.close()


def _complete(received):
    head, _, body = received.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip() or 0)
    return True


def status_of(raw):
    """The status code of a raw HTTP response, or None."""
    parts = raw.split(b" ", 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def object_files(data_dir):
    """Every file under <data>/objects: relative path -> size."""
    root = os.path.join(data_dir, "objects")
    found = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                found[os.path.relpath(path, root)] = os.path.getsize(path)
            except OSError:
                pass
    return found


def object_db_path(data_dir, class_name, object_id):
    """Where an object's SQLite file lives: <data>/objects/<class>/<id[:2]>/<id>.sqlite."""
    return os.path.join(data_dir, "objects", class_name, object_id[:2], object_id + ".sqlite")


def disk_bytes(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                pass
    return total
