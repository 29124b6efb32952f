"""Fuzz the live app with Schemathesis, once per role: `python -m tests.fuzz --help`.

A real Uvicorn serves the app on 127.0.0.1 over a fresh clone of the migrated test database;
Schemathesis (a separate process, so the two use both cores) generates requests from
openapi/openapi.json for every operation, authenticated as each role in turn.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from fastapi import FastAPI

from app.auth.scopes import Role
from app.core.logging import configure_logging
from app.main import create_app
from tests.conftest import make_test_settings
from tests.support.auth import user_token
from tests.support.databases import TEMPLATE, test_server
from tests.support.live_server import LiveServer, serving

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMA = ROOT / "openapi" / "openapi.json"
ANONYMOUS = "anonymous"
ROLES = [*(r.value for r in Role), ANONYMOUS]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument(
        "--examples",
        type=int,
        default=int(os.environ.get("FUZZ_EXAMPLES", "25")),
        help="max examples per operation and role (env FUZZ_EXAMPLES, default 25)",
    )
    parser.add_argument(
        "--seed",
        default=os.environ.get("FUZZ_SEED", "random"),
        help="an integer for a reproducible run, or 'random' (env FUZZ_SEED)",
    )
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated roles")
    parser.add_argument(
        "--phases", default="examples,coverage,fuzzing,stateful", help="Schemathesis phases"
    )
    parser.add_argument("--report-dir", default="fuzz-report", help="junit + server error log")
    parser.add_argument("--workers", default="1", help="Schemathesis workers")
    parser.add_argument("extra", nargs="*", help="passed to `st run` as is (after --)")
    return parser.parse_args(argv)


async def _person(app: FastAPI, role: Role) -> tuple[str, str]:
    """A person of `role` and a token for them, as after a login: (user id, token)."""
    async with app.state.sessionmaker.begin() as session:
        user, token = await user_token(session, app.state.auth, role)
    return str(user.id), token


def _schemathesis(
    live: LiveServer, role: str, person: tuple[str, str] | None, seed: int, args: argparse.Namespace
) -> int:
    report = Path(args.report_dir)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        str(SCHEMA),
        "--url",
        live.base_url,
        "--seed",
        str(seed),
        "--max-examples",
        str(args.examples),
        "--phases",
        args.phases,
        "--workers",
        args.workers,
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report / f"junit-{role}.xml"),
        *args.extra,
    ]
    env = os.environ | {"PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    if person:
        user_id, token = person
        command += ["--header", f"Authorization: Bearer {token}"]
        env["FUZZ_PROTECTED_IDS"] = user_id
    print(f"\n=== fuzz as {role}: seed {seed}, {args.examples} examples/operation ===", flush=True)
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def _log_server_errors_to(path: Path) -> None:
    """The app's own error log (tracebacks of any 500) goes to a file beside the reports."""
    configure_logging("ERROR", json=False)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    logging.getLogger().handlers[:] = [handler]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seed = random.SystemRandom().randrange(2**31) if args.seed == "random" else int(args.seed)
    roles = [r for r in args.roles.split(",") if r]
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise SystemExit(f"unknown roles: {sorted(unknown)}; choose from {ROLES}")
    Path(args.report_dir).mkdir(parents=True, exist_ok=True)
    _log_server_errors_to(Path(args.report_dir) / "server-errors.log")
    started = time.monotonic()
    failed: list[str] = []
    with test_server() as pg:
        pg.prepare_template()
        with pg.clone() as url:
            # A long run outlives the default 15-minute tokens.
            app = create_app(make_test_settings(url, access_token_ttl_s=86_400))
            with serving(app) as live:
                for role in roles:
                    person = (
                        None if role == ANONYMOUS else live.call_blocking(_person(app, Role(role)))
                    )
                    if _schemathesis(live, role, person, seed, args) != 0:
                        failed.append(role)
        pg.drop(TEMPLATE)
    elapsed = time.monotonic() - started
    print(f"\nfuzz: seed {seed}, {args.examples} examples, roles {roles}, {elapsed:.0f} s")
    if failed:
        print(f"fuzz: FAILED for {failed}; see {args.report_dir}/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
