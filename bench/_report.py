"""What bench/run.py prints: a run's figures as Markdown tables, and its budgets, PASS or FAIL."""

import datetime as dt
import os

# Budgets (README, "Performance"): fractions of the ceiling's requests/s, milliseconds, MB.
BUDGETS = {
    "peer_cold": 0.10,
    "heaviest_cold": 0.04,
    "warm": 0.80,
    "latency_p99_ms": 100.0,
    "worker_rss_mb": 150.0,
    "queries": 8,
}


def step(message):
    print(f"\n== {message}", flush=True)


def format_result(result):
    errors = f"  {result.errors} errors" if result.errors else ""
    return (
        f"{result.rps:8.1f} req/s  p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms{errors}"
    )


def report(pages, memory, args, load_seconds, measure_seconds, total_seconds):
    step(
        f"Results ({dt.date.today()}, {os.cpu_count()} cores, gunicorn --workers {args.workers}, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s)"
    )
    print()
    print(
        "| page | queries | KB | cold req/s | cold p50 ms | cold p99 ms | cold ÷ ceiling "
        "| warm req/s | warm p50 ms | warm p99 ms | warm ÷ ceiling |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for page in pages:
        cells = [page.label, str(page.queries), f"{(page.size or 0) / 1024:.1f}"]
        for phase in ("cold", "warm"):
            result = page.results[phase]
            cells += [
                f"{result.rps:.0f}",
                f"{result.p50_ms:.1f}",
                f"{result.p99_ms:.1f}",
                f"{result.ratio:.0%}",
            ]
        print("| " + " | ".join(cells) + " |")
    latency_rows = [page for page in pages if "latency" in page.results]
    if latency_rows:
        print()
        print("| page, cold, 2 connections | req/s | p50 ms | p99 ms |")
        print("|---|--:|--:|--:|")
        for page in latency_rows:
            r = page.results["latency"]
            cells = [page.label, f"{r.rps:.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}"]
            print("| " + " | ".join(cells) + " |")
    print()
    for phase, sizes in memory.items():
        print(f"RSS per worker after the {phase} run: " + ", ".join(f"{s:.0f} MB" for s in sizes))
    print(
        f"Load: {load_seconds / 60:.1f} min (0 when reused); measurement: "
        f"{measure_seconds / 60:.1f} min; total {total_seconds / 60:.1f} min."
    )
    print()
    print("Budgets:")
    by_key = {page.key: page for page in pages}
    checks = []
    for key, budget in (("peer", "peer_cold"), ("heaviest", "heaviest_cold")):
        if key in by_key:
            ratio = by_key[key].results["cold"].ratio
            checks.append((f"{by_key[key].label}, cold ≥ {BUDGETS[budget]:.0%} of the ceiling",
                           ratio >= BUDGETS[budget], f"{ratio:.1%}"))  # fmt: skip
    for page in pages[1:]:
        ratio = page.results["warm"].ratio
        checks.append((f"{page.label}, warm ≥ {BUDGETS['warm']:.0%} of the ceiling",
                       ratio >= BUDGETS["warm"], f"{ratio:.1%}"))  # fmt: skip
    for page in latency_rows:
        p99 = page.results["latency"].p99_ms
        checks.append((f"{page.label}, cold p99 < {BUDGETS['latency_p99_ms']:.0f} ms",
                       p99 < BUDGETS["latency_p99_ms"], f"{p99:.1f} ms"))  # fmt: skip
    for page in pages[1:]:
        if page.queries is not None:
            checks.append((f"{page.label}, ≤ {BUDGETS['queries']} queries",
                           page.queries <= BUDGETS["queries"], str(page.queries)))  # fmt: skip
    for page in pages[1:]:
        checks.append((f"{page.label}, every query planned on indexes (EXPLAIN)",
                       not page.seq_scans, ", ".join(page.seq_scans) or "yes"))  # fmt: skip
    worst = max((size for sizes in memory.values() for size in sizes), default=0)
    checks.append((f"memory per worker < {BUDGETS['worker_rss_mb']:.0f} MB",
                   worst < BUDGETS["worker_rss_mb"], f"{worst:.0f} MB"))  # fmt: skip
    for label, passed, value in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {label}: {value}")
    errors = [(p.label, ph) for p in pages for ph, r in p.results.items() if r.errors]
    if errors:
        print(f"  Errors or non-2xx answers during: {errors}")
