#!/usr/bin/env python3
"""Ingest throughput: `workiz-metrics sync` from the simulator (no latency, no rate limit) into
SQLite and, when WORKIZ_METRICS_TEST_PG is set, PostgreSQL. Reports records/s and the sync
process's peak memory at three account sizes, to show memory does not grow with the records.
Each size and backend is synced RUNS times into an empty database; the script prints each run, then
the median and the range. The PostgreSQL rows of each run are deleted afterwards (with psql), so that
runs do not slow down the next ones or fill the database.

Run from the repository root:  python3 bench/ingest.py
SIZES picks sizes as days x records per day of each of jobs and leads, e.g. SIZES=200x1000
(default: 50x500,100x1000,200x1000); RUNS sets the runs per size and backend (default 3).
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BIN = os.path.join("target", "release", "workiz-metrics")
LAST_DAY = "2026-11-30"
RUNS = int(os.environ.get("RUNS", "3"))
SIZES = [tuple(int(n) for n in size.split("x"))
         for size in os.environ.get("SIZES", "50x500,100x1000,200x1000").split(",")]


def machine_speed():
    """Seconds for a fixed CPU loop. This host's speed drifts by a third over an hour, and every
    figure here drifts with it: the loop, timed before and after, tells how fast the machine was."""
    start = time.perf_counter()
    sum(i * i for i in range(5_000_000))
    return time.perf_counter() - start


def delete_account(url, account):
    """Deletes every row of `account` from the PostgreSQL database at `url`."""
    sql = f"""DO $$DECLARE t text; BEGIN
        FOR t IN SELECT c.table_name FROM information_schema.columns c
                 JOIN information_schema.tables USING (table_schema, table_name)
                 WHERE c.column_name = 'account_id' AND c.table_schema = 'public' AND table_type = 'BASE TABLE'
        LOOP EXECUTE format('DELETE FROM %I WHERE account_id = %L', t, '{account}'); END LOOP; END$$;"""
    subprocess.run(["psql", "-q", url, "-c", sql], check=True, stdout=subprocess.DEVNULL)
    # Without this the deleted rows' dead index entries slow the next run down.
    subprocess.run(["psql", "-q", url, "-c", "VACUUM jobs, leads, job_daily, lead_daily, dirty_days, sync_runs"],
                   check=True, stdout=subprocess.DEVNULL)


def start_sim(port, days, per_day):
    sim = subprocess.Popen(
        [BIN, "simulate", "--bind", f"127.0.0.1:{port}", "--days", str(days), "--last-day", LAST_DAY,
         "--rate-limit", "0", "--jobs-per-day", str(per_day), "--leads-per-day", str(per_day),
         "--calls-per-day", "0", "--seed", "9"],
        stdout=subprocess.PIPE, text=True)
    token = None
    for line in sim.stdout:
        if line.startswith("token:"):
            token = line.split()[1]
            break
    return sim, token


def run_sync(db, port, token, since, workdir):
    env = dict(os.environ, WORKIZ_API_BASE=f"http://127.0.0.1:{port}/api/v1", WORKIZ_API_TOKEN=token)
    env.pop("DATABASE_URL", None)
    start = time.monotonic()
    child = subprocess.Popen([os.path.abspath(BIN), "--db", db, "sync", "--no-progress", "--since", since,
                              "--resource", "jobs,leads"], env=env, cwd=workdir, stdout=subprocess.PIPE, text=True)
    peak_kib = 0
    while child.poll() is None:
        # VmHWM is the sync process's own peak resident memory.
        try:
            with open(f"/proc/{child.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak_kib = max(peak_kib, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    elapsed = time.monotonic() - start
    stdout = child.stdout.read()
    if child.returncode != 0:
        raise SystemExit(f"sync failed: {stdout}")
    seen = sum(int(m.group(1)) for m in re.finditer(r"^(?:jobs|leads)\s+\d+\s+(\d+)", stdout, re.M))
    return seen, elapsed, peak_kib


def main():
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "workiz-metrics"], check=True)
    pg = os.environ.get("WORKIZ_METRICS_TEST_PG")
    print(f"reference CPU loop before: {machine_speed():.2f} s", flush=True)
    for days, per_day in SIZES:
        port = 18000 + per_day % 1000 + days
        sim, token = start_sim(port, days, per_day)
        since = subprocess.run(["date", "-d", f"{LAST_DAY} -{days - 1} days", "+%F"], capture_output=True,
                               text=True, check=True).stdout.strip()
        try:
            # A first, untimed pass renders every record once in the simulator (it caches them), so
            # that every backend is measured against the same, warm simulator.
            warm = tempfile.mkdtemp()
            with open(os.path.join(warm, "workiz-metrics.toml"), "w") as f:
                f.write('[sync]\nrate_limit = 0\n')
            run_sync(f"sqlite://{os.path.join(warm, 'warm.db')}", port, token, since, warm)
            shutil.rmtree(warm)
            backends = [("sqlite", None)] + ([("postgres", pg)] if pg else [])
            for name, url in backends:
                speeds, peaks = [], []
                for _ in range(RUNS):
                    workdir = tempfile.mkdtemp()
                    account = f"bench-{days}-{time.time_ns()}"
                    with open(os.path.join(workdir, "workiz-metrics.toml"), "w") as f:
                        f.write(f'account = "{account}"\n[sync]\nrate_limit = 0\n')
                    db = url or f"sqlite://{os.path.join(workdir, 'bench.db')}"
                    try:
                        seen, elapsed, peak = run_sync(db, port, token, since, workdir)
                    finally:
                        if url:
                            delete_account(url, account)
                        shutil.rmtree(workdir)
                    speeds.append(seen / elapsed)
                    peaks.append(peak / 1024)
                    print(f"{name:9} {seen:8} records  {elapsed:6.2f} s  {seen / elapsed:9.0f} records/s  peak RSS of "
                          f"the sync process {peak / 1024:6.1f} MiB", flush=True)
                print(f"{name:9} {seen:8} records  median {statistics.median(speeds):9.0f} records/s  range "
                      f"{min(speeds):.0f}–{max(speeds):.0f}  peak RSS at most {max(peaks):6.1f} MiB", flush=True)
        finally:
            sim.terminate()
            sim.wait()
    print(f"reference CPU loop after: {machine_speed():.2f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
