"""``make loadtest``: locust, headless and bounded in time, against the production stack.

    python -m tests.stack.loadtest [--run-time 2m] [--scale 0.1] [--web-workers 4]

Starts the same stack as tests/stack/ (stack.py: the commands of docker-compose.yml, debug off),
loads demo data plus the benchmark's data at ``--scale`` into its fresh database before the web
service starts, runs tests/stack/locustfile.py (70 users: 40 staff, 10 mayor's office,
20 citizens), prints requests/s and p50/p95/p99 per page and the error count, writes the CSVs
under var/loadtest/, and exits non-zero if any request failed. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .stack import ROOT, running_stack

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
USERS = 70  # the fixed_count of the three user classes
OUT = ROOT / "var" / "loadtest"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-time", default="2m", help="measured once all users are in")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--scale", type=float, default=0.1, help="benchmark data (0: demo only)")
    parser.add_argument("--web-workers", type=int, default=4, help="GUNICORN_WORKERS")
    return parser.parse_args(argv)


def _seconds(text: str) -> int:
    """Locust's time strings: "2m", "90s", "1m30s" or plain seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0, ""
    for char in text.strip():
        if char.isdigit():
            number += char
        else:
            total, number = total + int(number) * units[char], ""
    return total + int(number or 0)


def report(stats_csv: Path, failures_csv: Path) -> tuple[str, int]:
    """A Markdown table of locust's per-page figures, and the number of failed requests."""
    rows = list(csv.DictReader(stats_csv.open()))
    lines = [
        "| page | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = None
    for row in rows:
        cells = (
            row["Name"],
            row["Request Count"],
            row["Failure Count"],
            f"{float(row['Requests/s']):.1f}",
            row["50%"],
            row["95%"],
            row["99%"],
        )
        if row["Name"] == "Aggregated":
            total = cells
            continue
        if row["Request Count"] == "0":  # the logins and subscriptions, before the reset
            continue
        lines.append("| " + " | ".join(cells) + " |")
    if total:
        lines.append("| **all** | " + " | ".join(total[1:]) + " |")
    failed = list(csv.DictReader(failures_csv.open()))  # logins' failures included
    failures = [f"- {r['Occurrences']}× {r['Method']} {r['Name']}: {r['Error']}" for r in failed]
    errors = sum(int(r["Occurrences"]) for r in failed)
    return "\n".join(lines + (["", "Failures:", *failures] if failures else [])), errors


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    prefix = OUT / "locust"
    started = time.monotonic()
    with running_stack(
        web_workers=args.web_workers,
        before_web=("demo", {"scale": args.scale}),
        # The one place the stack runs without the second factor (locust signs in with a
        # password only): the demo accounts have no TOTP device, and 40 locust users share
        # the one "staff" account, where each code is accepted once. tests/stack/ runs with
        # the production default (on).
        extra_env={"STAFF_REQUIRE_2FA": "false"},
    ) as stack:
        print(f"Stack up in {time.monotonic() - started:.0f} s at {stack.url}", flush=True)
        print(f"Data: {json.dumps(stack.seeded)}", flush=True)
        locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
        locust += ["--users", str(USERS), "--spawn-rate", str(args.spawn_rate)]
        # An upper bound only: the locustfile stops MEASURE_SECONDS after the last user is in.
        locust += ["--run-time", f"{_seconds(args.run_time) + 600}s"]
        locust += ["--stop-timeout", "10", "--host", stack.url, "--csv", str(prefix)]
        locust += ["--only-summary", "--loglevel", "WARNING"]
        load_before = os.getloadavg()[0]
        result = subprocess.run(
            locust,
            env={**os.environ, "LOADTEST_MEASURE_SECONDS": str(_seconds(args.run_time))},
            cwd=ROOT,
            check=False,
        )
        load_after = os.getloadavg()[0]
        shutil.copy(stack.log_dir / "web.log", OUT / "web.log")
    table, errors = report(Path(f"{prefix}_stats.csv"), Path(f"{prefix}_failures.csv"))
    print(
        f"\nLoad test: {USERS} users, {args.run_time} measured once all were logged in, "
        f"gunicorn {args.web_workers} workers, data scale {args.scale}; load average "
        f"{load_before:.1f} before, {load_after:.1f} at the end ({os.cpu_count()} cores)\n"
    )
    print(table)
    print(f"\nErrors: {errors}   (CSVs and the access log in {OUT.relative_to(ROOT)}/)")
    (OUT / "report.md").write_text(table + f"\n\nErrors: {errors}\n")
    return 1 if errors or result.returncode not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
