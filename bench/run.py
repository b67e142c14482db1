"""`make bench`: ProcureCore's authentication against no authentication and against the popular
libraries, measured side by side in one run.

Starts the project under gunicorn (sync, 2 workers, DEBUG off) on loopback, loads it with wrk for
a bounded time per configuration, interleaving the configurations over several rounds, and prints
medians and ratios to the unauthenticated endpoint of the same run. Then times the authentication
step alone in process. Writes bench/results/latest.{json,md} (SQLite) or
bench/results/latest-postgres.{json,md} (PostgreSQL + Redis).

    .venv/bin/python bench/run.py [--seconds 5] [--rounds 3] [--connections 8]
                                  [--database-url postgres://…/test --redis-url redis://…/2]
                                  [--all]   # SQLite, then PostgreSQL + Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wrk  # noqa: E402
from tests import processes  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SUPPLIERS = "/v1/suppliers?page_size=20"

# (config, path, how it authenticates)
READ_CONFIGS = [
    ("unauthenticated", "/bench/unauthenticated/suppliers?page_size=20", None),
    ("api_key", SUPPLIERS, "api_key"),
    ("hmac", SUPPLIERS, "hmac"),
    ("jwt", SUPPLIERS, "jwt"),
    ("oauth", SUPPLIERS, "oauth"),
    ("peer_drf_api_key", "/bench/peer/drf-api-key/suppliers?page_size=20", "peer_drf_api_key"),
    ("peer_simplejwt", "/bench/peer/simplejwt/suppliers?page_size=20", "peer_simplejwt"),
    ("peer_dot", "/bench/peer/dot/suppliers?page_size=20", "peer_dot"),
]
TOKEN_CONFIGS = [("token_client_credentials", "client_ours"), ("peer_dot_token_pbkdf2", "client_peer")]
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
WORKERS = 2


@contextmanager
def gunicorn(env: dict[str, str], folder: Path):
    """The app as production runs it: gunicorn.conf.py (sync workers), WEB_CONCURRENCY workers,
    on a loopback port; yields its URL."""
    port = processes.free_port()
    log_path = folder / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "procure_core.wsgi"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        import requests

        processes.wait_for(lambda: requests.get(f"{url}/healthz", timeout=2).status_code == 200, timeout=60, what="gunicorn")
        processes.wait_for(lambda: log_path.read_text(errors="replace").count("Booting worker") >= WORKERS, timeout=30,
                           what=f"{WORKERS} gunicorn workers")
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def settle(url: str, timeout: float = 30.0) -> None:
    """Wait until the app answers promptly again. Without this (and the pause before it), the
    configuration after the PBKDF2 peer started against workers still busy with its queued
    requests, and paid for them (p99 ~500 ms, ratios above 1)."""
    import requests

    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        requests.get(f"{url}/healthz", timeout=timeout)
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0
    time.sleep(0.2)


def generate_key_file(folder: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "jwt.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path


def bench_env(folder: Path, database_url: str, redis_url: str | None) -> dict[str, str]:
    unlimited = "100000000/min"
    return processes.app_env(
        database_url, redis_url,
        DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0", SECRET_KEY=uuid.uuid4().hex * 2,
        JWT_PRIVATE_KEY_FILE=str(generate_key_file(folder)), API_KEY_ENCRYPTION_KEY=uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1", TRUSTED_PROXIES="127.0.0.1", WEB_CONCURRENCY=str(WORKERS), LOG_LEVEL="INFO",
        CACHE_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}", GUNICORN_ACCESS_LOG="/dev/null",
        RATE_LIMIT_CREDENTIAL=unlimited, RATE_LIMIT_TEST_CREDENTIAL=unlimited, RATE_LIMIT_ADDRESS=unlimited,
        RATE_LIMIT_OAUTH_ENDPOINT=unlimited,
    )


def hmac_headers(folder: Path, seed: dict, count: int) -> Path:
    from apikeys import signing

    path = folder / f"hmac-{uuid.uuid4().hex[:6]}.txt"
    with path.open("w") as handle:
        for _ in range(count):
            handle.write(signing.authorization_header(seed["key_id"], seed["api_key"], "GET", "/v1/suppliers", "page_size=20", b"", int(time.time())) + "\n")
    return path


def measure(app_url: str, config: str, path: str, credential: str | None, seed: dict, folder: Path, args) -> wrk.WrkResult:
    headers = {"X-Forwarded-Proto": "https"}  # the trusted local proxy terminated TLS
    header_file = None
    if credential == "hmac":
        # Single-use nonces: enough signed requests for well above the fastest rate seen here.
        header_file = hmac_headers(folder, seed, int(args.seconds * 6000) + 1000)
    elif credential == "peer_drf_api_key":
        headers["Authorization"] = f"Api-Key {seed[credential]}"
    elif credential:
        headers["Authorization"] = f"Bearer {seed[credential]}"
    try:
        return wrk.run(app_url + path, seconds=args.seconds, connections=args.connections, headers=headers, header_file=header_file)
    finally:
        if header_file:
            header_file.unlink(missing_ok=True)


def measure_token(app_url: str, client: list[str], args) -> wrk.WrkResult:
    body = f"grant_type=client_credentials&client_id={client[0]}&client_secret={client[1]}&scope=read:suppliers"
    return wrk.run(app_url + "/oauth/token", seconds=args.seconds, connections=args.connections, method="POST", body=body,
                   headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"})


def summarize(name: str, runs: list[wrk.WrkResult], baseline: float | None) -> dict:
    rps = statistics.median(r.rps for r in runs)
    return {
        "config": name,
        "rps_median": round(rps, 1),
        "p50_ms": round(statistics.median(r.p50_ms for r in runs), 2),
        "p99_ms": round(statistics.median(r.p99_ms for r in runs), 2),
        "ratio_to_unauthenticated": round(rps / baseline, 3) if baseline else None,
        "errors": sum(r.errors for r in runs),
        "requests": sum(r.requests for r in runs),
        "rounds": len(runs),
    }


def run_http(args, folder: Path) -> tuple[list[dict], dict]:
    database_url = args.database_url
    created_database = None
    if database_url and database_url.startswith("postgres"):
        import psycopg

        created_database = f"procure_bench_{uuid.uuid4().hex[:8]}"
        server = database_url.rsplit("/", 1)[0]
        with psycopg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{created_database}"')
        database_url = f"{server}/{created_database}"
    elif not database_url:
        database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    env = bench_env(folder, database_url, args.redis_url)
    try:
        processes.manage(env, "migrate", "--noinput")
        seeded = subprocess.run([sys.executable, "bench/seed.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        runs: dict[str, list[wrk.WrkResult]] = {name: [] for name, _, _ in READ_CONFIGS}
        runs.update({name: [] for name, _ in TOKEN_CONFIGS})
        with gunicorn(env, folder) as url:
            for _, path, credential in READ_CONFIGS:  # warm both workers' caches
                measure(url, "warmup", path, credential, seed, folder, argparse.Namespace(seconds=1, connections=args.connections))
            steps = [(name, lambda path=path, credential=credential: measure(url, name, path, credential, seed, folder, args))
                     for name, path, credential in READ_CONFIGS]
            steps += [(name, lambda client=client: measure_token(url, seed[client], args)) for name, client in TOKEN_CONFIGS]
            for round_number in range(args.rounds):
                # Each round starts one configuration later, so none always runs first or last.
                shift = round_number % len(steps)
                for name, step in steps[shift:] + steps[:shift]:
                    runs[name].append(step())
                    # wrk has stopped, its last requests have not: each connection's last one ends
                    # within about the run's p99 (~0.8 s for PBKDF2). The next run starts after.
                    time.sleep(min(runs[name][-1].p99_ms / 1000, 5.0))
                    settle(url)
                    print(f"  round {round_number + 1} {name:<26} {runs[name][-1].rps:8.1f} req/s  errors {runs[name][-1].errors}", flush=True)
        baseline = statistics.median(r.rps for r in runs["unauthenticated"])
        token_baseline = statistics.median(r.rps for r in runs["peer_dot_token_pbkdf2"]) or None
        results = [summarize(name, runs[name], baseline) for name, _, _ in READ_CONFIGS]
        ours = summarize("token_client_credentials", runs["token_client_credentials"], None)
        ours["ratio_to_peer_dot_token_pbkdf2"] = round(ours["rps_median"] / token_baseline, 1) if token_baseline else None
        results += [ours, summarize("peer_dot_token_pbkdf2", runs["peer_dot_token_pbkdf2"], None)]
        return results, {"database": database_url.split(":", 1)[0], "cache": "redis" if args.redis_url else "locmem"}
    finally:
        if created_database:
            import psycopg

            with psycopg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{created_database}" WITH (FORCE)')


def run_in_process(folder: Path) -> list[dict]:
    step = ROOT / "bench" / "auth_step.py"
    if not step.exists():
        return []
    completed = subprocess.run([sys.executable, str(step), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        print(completed.stderr, file=sys.stderr)
        return []
    return json.loads(completed.stdout.strip().splitlines()[-1])


def render(results: list[dict], in_process: list[dict], environment: dict) -> str:
    lines = [
        f"# Benchmark ({environment['database']} + {environment['cache']}, {environment['when']})",
        "",
        f"`GET /v1/suppliers?page_size=20` (20 suppliers as JSON), gunicorn sync -w {environment['workers']}, DEBUG off, wrk -t1 -c{environment['connections']}, "
        f"{environment['rounds']} interleaved rounds of {environment['seconds']} s; medians. Ratios are to the same endpoint with "
        f"no authentication, measured in the same run. {environment['machine']}; load average "
        f"{environment['load_average_before']} before, {environment['load_average_after']} after.",
        "",
        "| config | req/s (median) | p50 ms | p99 ms | × unauthenticated | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results:
        ratio = row.get("ratio_to_unauthenticated")
        if row["config"] == "token_client_credentials" and row.get("ratio_to_peer_dot_token_pbkdf2"):
            ratio_text = f"{row['ratio_to_peer_dot_token_pbkdf2']}× PBKDF2 peer"
        else:
            ratio_text = "" if ratio is None else f"{ratio:.2f}"
        status = str(row["errors"]) if row["errors"] == 0 else f"**{row['errors']} (FAILED)**"
        lines.append(f"| {row['config']} | {row['rps_median']:.1f} | {row['p50_ms']} | {row['p99_ms']} | {ratio_text} | {status} |")
    if in_process:
        lines += ["", "Authentication step alone, in process (median of repeated timeit runs, warm process, SQLite):", "",
                  "| method | median µs |", "| --- | ---: |"]
        lines += [f"| {row['config']} | {row['median_us']:.1f} |" for row in in_process]
    lines += ["", "Targets (issue #7):", ""] + [f"- {line}" for line in check_targets(results, in_process)]
    return "\n".join(lines) + "\n"


READ_TARGET = 0.80
TOKEN_TARGET = 100.0
STEP_TARGETS_US = {"api_key": 80.0, "hmac": 150.0, "jwt": 150.0, "oauth": 150.0}


def check_targets(results: list[dict], in_process: list[dict]) -> list[str]:
    """One line per target of the issue: met, or by how much it falls short."""
    rows = {row["config"]: row for row in results}
    lines = []
    for name in ("api_key", "hmac", "jwt", "oauth"):
        ratio = rows[name]["ratio_to_unauthenticated"]
        verdict = "met" if ratio >= READ_TARGET else f"SHORT by {READ_TARGET - ratio:.2f}"
        lines.append(f"{name}: {ratio:.2f}× unauthenticated (target ≥ {READ_TARGET:.2f}): {verdict}")
    token = rows["token_client_credentials"].get("ratio_to_peer_dot_token_pbkdf2")
    if token is not None:
        verdict = "met" if token >= TOKEN_TARGET else f"SHORT by {TOKEN_TARGET - token:.1f}×"
        lines.append(f"token_client_credentials: {token}× the PBKDF2 peer (target ≥ {TOKEN_TARGET:.0f}×): {verdict}")
    for row in in_process:
        target = STEP_TARGETS_US.get(row["config"])
        if target is not None:
            verdict = "met" if row["median_us"] <= target else f"SHORT by {row['median_us'] - target:.1f} µs"
            lines.append(f"in-process step {row['config']}: {row['median_us']:.1f} µs (target ≤ {target:.0f} µs): {verdict}")
    return lines


def bench_one(args, database_url: str, redis_url: str, output: Path, in_process: list[dict] | None) -> tuple[int, list[dict]]:
    """One HTTP run on one backend (and the in-process step unless given); writes output.{json,md}."""
    run_args = argparse.Namespace(**{**vars(args), "database_url": database_url, "redis_url": redis_url})
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="procure-bench-") as tmp:
        folder = Path(tmp)
        print(f"== HTTP (wrk), {database_url.split(':', 1)[0] or 'sqlite'} + {'redis' if redis_url else 'locmem'}; "
              f"load average {load_before[0]:.2f}", flush=True)
        results, environment = run_http(run_args, folder)
        if in_process is None:
            print("== authentication step in process", flush=True)
            in_process = run_in_process(folder)
    environment.update({
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "seconds": args.seconds, "rounds": args.rounds,
        "connections": args.connections, "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "workers": WORKERS,
        # Other work on the machine skews every configuration; the ratios are what to compare.
        "load_average_before": round(load_before[0], 2), "load_average_after": round(os.getloadavg()[0], 2),
    })
    output.parent.mkdir(parents=True, exist_ok=True)
    output.with_suffix(".json").write_text(json.dumps(results + [{"in_process": in_process, "environment": environment}], indent=2) + "\n")
    report = render(results, in_process, environment)
    output.with_suffix(".md").write_text(report)
    print()
    print(report)
    failed = [row["config"] for row in results if row["errors"]]
    if failed:
        print("FAILED: non-2xx responses in " + ", ".join(failed), file=sys.stderr)
        return 1, in_process
    return 0, in_process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="per configuration per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--all", action="store_true",
                        help="SQLite + in-process cache, then PostgreSQL + Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL)")
    parser.add_argument("--output", default="", help="path prefix for .json and .md "
                        "(default bench/results/latest, or latest-postgres for a PostgreSQL run)")
    args = parser.parse_args()
    wrk.ensure_wrk()
    if args.all:
        backends = [("", ""), (os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
                               os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))]
    else:
        backends = [(args.database_url, args.redis_url)]
    status, in_process = 0, None
    for database_url, redis_url in backends:
        default = RESULTS / ("latest-postgres" if database_url.startswith("postgres") else "latest")
        output = Path(args.output) if args.output and not args.all else default
        failed, in_process = bench_one(args, database_url, redis_url, output, in_process)
        status = status or failed
    return status


if __name__ == "__main__":
    sys.exit(main())
