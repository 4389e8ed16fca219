#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Black-box reliability suite for `durable` (issue 14): drives the built binary from outside.

  reliability.py --brief [--durable PATH]    CI: the whole suite in about three minutes
  reliability.py --long  [--minutes N]       by hand: longer kill -9 loops and RSS runs, figures
  reliability.py --brief --only kill9,damage  a subset (prefixes of check names)

Each check prints one line "PASS|FAIL <name>: <figure or reason>". Exit 0 when all pass.
Every check runs under a hard timeout; child processes are killed on any exit.
"""

import argparse
import atexit
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean when run from it
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import checks_crash  # noqa: E402
import checks_damage  # noqa: E402
import checks_hostile  # noqa: E402
import checks_small  # noqa: E402


class Context:
    """What every check gets: the binary, the mode, and a fresh temp dir per check."""

    def __init__(self, binary, long_mode, minutes, root, keep):
        self.binary = binary
        self.long = long_mode
        self.minutes = minutes
        self.root = root
        self.keep = keep
        self.notes = []

    def tempdir(self, name):
        path = tempfile.mkdtemp(prefix=name + "-", dir=self.root)
        return path

    def note(self, text):
        self.notes.append(text)
        print("    " + text, flush=True)


def all_checks():
    """(name, function, brief timeout s, long timeout s) in the order they run."""
    return (checks_small.CHECKS + checks_damage.CHECKS + checks_hostile.CHECKS
            + checks_crash.CHECKS)


def run_one(ctx, name, function, timeout):
    """Runs one check in a thread; a check that overruns its hard timeout fails, and the
    processes it started are killed so that its blocking calls return."""
    outcome = {}

    def body():
        try:
            outcome["figure"] = function(ctx) or ""
            outcome["ok"] = True
        except AssertionError as failure:
            outcome["ok"] = False
            outcome["figure"] = str(failure)
        except Exception as error:  # a bug in the check or an unexpected reply: say which
            outcome["ok"] = False
            outcome["figure"] = "error in check: %s: %s" % (type(error).__name__, error)

    started = time.monotonic()
    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        harness.kill_all_children()
        thread.join(10)
        outcome = {"ok": False, "figure": "hard timeout after %d s" % timeout}
    harness.kill_all_children()
    elapsed = time.monotonic() - started
    verdict = "PASS" if outcome.get("ok") else "FAIL"
    print("%s %s: %s (%.1f s)" % (verdict, name, outcome.get("figure", ""), elapsed), flush=True)
    return bool(outcome.get("ok"))


def default_binary():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "build", "ci", "app", "durable"))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--brief", action="store_true", help="CI mode (about three minutes)")
    mode.add_argument("--long", action="store_true", help="by-hand mode with figures")
    parser.add_argument("--durable", default=os.environ.get("DURABLE_BINARY", default_binary()),
                        help="the durable binary (default: build/ci/app/durable)")
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="--long: minutes for each kill -9 loop and RSS soak (default 10)")
    parser.add_argument("--only", default="", help="comma-separated check name prefixes")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dirs")
    return parser.parse_args(argv)


def install_cleanup(root, keep):
    def cleanup():
        harness.kill_all_children(final=True)
        if not keep:
            shutil.rmtree(root, ignore_errors=True)

    atexit.register(cleanup)

    def on_signal(signum, _frame):
        cleanup()
        os._exit(128 + signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)


def main(argv):
    args = parse_args(argv)
    if not os.access(args.durable, os.X_OK):
        print("FAIL setup: no durable binary at %s (build it, or pass --durable)" % args.durable)
        return 2
    root = tempfile.mkdtemp(prefix="durable-reliability-")
    install_cleanup(root, args.keep)
    ctx = Context(args.durable, args.long, args.minutes, root, args.keep)
    prefixes = [p for p in args.only.split(",") if p]
    print("durable reliability suite (%s) on %s; temp %s"
          % ("long" if args.long else "brief", args.durable, root), flush=True)
    started = time.monotonic()
    results = []
    for name, function, brief_timeout, long_timeout in all_checks():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        timeout = long_timeout(ctx) if callable(long_timeout) else long_timeout
        results.append((name, run_one(ctx, name, function,
                                      timeout if args.long else brief_timeout)))
    failed = [name for name, ok in results if not ok]
    print("%d of %d checks passed in %.0f s%s" % (
        len(results) - len(failed), len(results), time.monotonic() - started,
        ("; failed: " + ", ".join(failed)) if failed else ""), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
