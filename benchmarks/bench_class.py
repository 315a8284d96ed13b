"""Load test of the class hub (deploy/): how long a class waits, and how much memory it takes.

    python3 tools/course.py setup     # once (the test command installs the class tools too)
    .venv/bin/python benchmarks/bench_class.py               # N = 5, 10 and 20 students
    .venv/bin/python benchmarks/bench_class.py --students 5 10 20 40 --mode app

For each N it starts the hub on 127.0.0.1 with a class of N (shared-password login, local
processes), and all N students at once: log in through the login form, start their server, then
either (lab) run every code cell of notebook 03 through the kernel protocol and move its first
slider, a widget state change over the comm channel, until the explorer answers; or (app) open
notebook 03 as a Voila app, which runs it in a kernel of its own, and fetch the page to its end.
It reports the time to first interaction (median and max), the slider's answer, the memory per
student (unique memory of their server and kernels, USS) and the CPU seconds each student's
start cost, and stops everything by itself (each N is bounded by --timeout).

The reference in the same run is one student alone (N = 1): the slowdown column says how much a
class's simultaneous start costs each student. The CPU seconds per student are what sizes a
server: a class of S starting at once on C cores waits about S x cpu / C seconds on top of the
time one student alone needs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import hubload  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "03-the-forget-gate.ipynb"
APP_PATH = "lstm-course/notebooks/03-the-forget-gate.ipynb"


def app_session(hub, name, timeout):
    """Log in, start the server, open notebook 03 as a Voila app and read the page to its end."""
    student = hubload.Student(hub, name)
    s = hubload.Session(name)
    t0 = time.monotonic()
    student.login()
    s.logged_in = time.monotonic() - t0
    student.start_server()
    s.server_ready = time.monotonic() - t0
    r = student.http.get(f"{student.base}/voila/render/{APP_PATH}", timeout=timeout)
    if r.status_code != 200 or "jupyter-widgets" not in r.text:
        s.errors.append(f"the app page answered {r.status_code} without widgets")
    s.notebook_done = s.first_interaction = time.monotonic() - t0
    return s


def cpu_seconds(hub) -> dict:
    """CPU seconds (user + system) used so far by each student's processes, by home folder."""
    homes = hub.dir / "state" / "homes"
    out = {}
    for p in hub.processes():
        try:
            cwd, t = Path(p.cwd()), p.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if cwd.is_relative_to(homes):
            key = cwd.relative_to(homes).parts[0]
            out[key] = out.get(key, 0.0) + t.user + t.system + t.children_user + t.children_system
    return out


def run_class(n: int, mode: str, timeout: float) -> dict:
    names = [f"student{i:02d}" for i in range(1, n + 1)]
    hub = hubload.ClassHub(names).start()
    start = time.monotonic()
    try:
        def one(name):
            try:
                if mode == "app":
                    return app_session(hub, name, timeout)
                return hubload.Student(hub, name).run_notebook(NOTEBOOK, timeout=timeout)
            except Exception as err:          # a student who could not get in is a result too
                s = hubload.Session(name)
                s.errors.append(f"{type(err).__name__}: {err}")
                return s

        with ThreadPoolExecutor(max_workers=n) as pool:
            sessions = list(pool.map(one, names, timeout=timeout + 60))
        elapsed = time.monotonic() - start
        memory = hub.memory_by_home()
        cpu = cpu_seconds(hub)
    finally:
        hub.stop()
    ok = [s for s in sessions if not s.errors]
    student_mem = [memory[s] for s in names if s in memory]
    return {
        "n": n, "mode": mode, "ok": len(ok), "elapsed": elapsed,
        "ready": [s.server_ready for s in ok], "first": [s.first_interaction for s in ok],
        "slider": [s.slider_reply for s in ok if s.slider_reply],
        "mem": student_mem, "hub_mem": memory.get("hub", 0.0), "cpu": [cpu[s] for s in names if s in cpu],
        "errors": [f"{s.name}: {e}" for s in sessions for e in s.errors][:5],
    }


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def row(r, alone):
    slow = med(r["first"]) / med(alone["first"]) if alone and alone["first"] else float("nan")
    total = sum(r["mem"]) + r["hub_mem"]
    return (f"{r['n']:>4} {r['ok']:>3}/{r['n']:<3} {med(r['ready']):>7.1f} {max(r['ready'], default=0):>7.1f} "
            f"{med(r['first']):>8.1f} {max(r['first'], default=0):>8.1f} {slow:>6.1f}x "
            f"{1000 * med(r['slider']) if r['slider'] else float('nan'):>8.0f} "
            f"{med(r['mem']):>7.0f} {max(r['mem'], default=0):>7.0f} {total / 1024:>7.2f} "
            f"{med(r['cpu']):>7.1f} {r['elapsed']:>7.1f}")


HEADER = ("   N  ok      ready s      first interaction s  vs 1   slider  MiB/student   total   CPU s  wall s\n"
          "              median     max   median      max         ms med   median   max     GiB  /student")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, nargs="+", default=[5, 10, 20], help="class sizes (default 5 10 20)")
    ap.add_argument("--mode", choices=["lab", "app", "both"], default="lab")
    ap.add_argument("--timeout", type=float, default=600, help="seconds each class size may take at most")
    args = ap.parse_args(argv)
    if any(n < 1 or n > 200 for n in args.students):
        ap.error("--students: each class size must be between 1 and 200")
    modes = ["lab", "app"] if args.mode == "both" else [args.mode]
    print(f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2 ** 30:.1f} GiB; "
          f"load average now {psutil.getloadavg()[0]:.1f}", flush=True)
    results = []
    for mode in modes:
        print(f"\nmode {mode}: one student alone (the reference), then each class size", flush=True)
        print(HEADER, flush=True)
        alone = run_class(1, mode, args.timeout)
        print(row(alone, alone), flush=True)
        results.append(alone)
        for n in args.students:
            r = run_class(n, mode, args.timeout)
            print(row(r, alone), flush=True)
            for e in r["errors"]:
                print(f"      error: {e}", flush=True)
            results.append(r)
    failed = sum(r["n"] - r["ok"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except requests.ConnectionError as err:
        sys.exit(f"bench_class: lost the hub: {err}")
