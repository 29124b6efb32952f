"""crm-dq command line: serve | worker | migrate | openapi | create-admin | service-account."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.database_session import database_url_for
from app.core.logging import configure_logging
from app.core.settings import Settings
from app.jobs.runner import add_worker_parser, worker_command

OPENAPI_PATH = Path("openapi/openapi.json")


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from app.auth.bootstrap import has_admin
    from app.core import heap, migrations
    from app.main import create_app

    with database_url_for(settings) as url:
        migrations.upgrade(url)
        _bring_keys_up_to_date(url)
        if not asyncio.run(has_admin(url)):
            print("No administrator yet: run `crm-dq create-admin --email you@example.fr`")
        app = create_app(settings.model_copy(update={"database_url": url}))
        heap.settle()
        print(f"crm-dq listening on http://{settings.host}:{settings.port}  (docs: /docs)")
        grace = (
            settings.shutdown_grace_s if args.graceful_timeout is None else args.graceful_timeout
        )
        with _stop_signals_end_cleanly():
            # On SIGTERM Uvicorn stops accepting, lets in-flight requests finish (up to
            # `grace` seconds), runs the lifespan shutdown, then returns here.
            uvicorn.run(
                AnswerWhenCancelled(app),
                host=settings.host,
                port=settings.port,
                log_config=None,
                access_log=False,
                proxy_headers=False,
                timeout_graceful_shutdown=grace,
            )
    return 0


class AnswerWhenCancelled:
    """Requests still running when the grace period is over are cancelled by Uvicorn, which
    then answers a bare text 500; they get a 503 problem instead, so clients know to retry
    (their transaction was rolled back with the cancelled task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except asyncio.CancelledError:
            if scope["type"] == "http" and not started and "app" in scope:
                from starlette.requests import Request

                from app.core.problem_handlers import http_problem

                answer = http_problem(Request(scope), 503, headers={"Retry-After": "5"})
                await answer(scope, receive, send)
            raise


@contextmanager
def _stop_signals_end_cleanly() -> Iterator[None]:
    """Uvicorn re-raises the stop signal once it has drained; with the default handlers that
    kills the process (exit -15) before the embedded PostgreSQL is stopped. A no-op handler
    lets the drained server return, clean up and exit 0."""
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from app.core import migrations

    with database_url_for(settings) as url:
        if args.downgrade:
            migrations.downgrade(url, args.downgrade)
        else:
            migrations.upgrade(url, args.revision)
            if args.revision == "head":
                _bring_keys_up_to_date(url)
    print("migrations applied")
    return 0


def _bring_keys_up_to_date(url: str) -> None:
    """Queue the re-index a release that changed the matching keys needs (key_versions)."""
    from app.dedup.key_versions import bring_up_to_date

    for upgrade in bring_up_to_date(url):
        if upgrade.job_id is not None:
            print(
                f"matching keys of {upgrade.entity} records changed (version "
                f"{upgrade.version}): re-index queued as job {upgrade.job_id}"
            )


def render_openapi(settings: Settings) -> str:
    from app.main import create_app

    spec = create_app(settings).openapi()
    return json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _openapi(settings: Settings, args: argparse.Namespace) -> int:
    generated = render_openapi(settings)
    target = Path(args.output)
    if args.check:
        published = target.read_text(encoding="utf-8") if target.exists() else ""
        if published != generated:
            print(f"{target} is out of date: run `crm-dq openapi` and commit it", file=sys.stderr)
            return 1
        print(f"{target} matches the application")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(generated, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def _create_admin(settings: Settings, args: argparse.Namespace) -> int:
    from app.auth.bootstrap import create_admin
    from app.auth.errors import EmailTaken
    from app.core import migrations

    with database_url_for(settings) as url:
        migrations.upgrade(url)
        try:
            print(asyncio.run(create_admin(settings, url, args.email, reset=args.reset)))
        except EmailTaken:
            print(f"{args.email} exists: add --reset to issue a new set-up token", file=sys.stderr)
            return 1
    return 0


def _service_account(settings: Settings, args: argparse.Namespace) -> int:
    from app.auth.bootstrap import create_service_account
    from app.auth.errors import ForbiddenServiceAccountScope, ServiceAccountNameTaken
    from app.core import migrations

    with database_url_for(settings) as url:
        migrations.upgrade(url)
        try:
            print(asyncio.run(create_service_account(url, args.name, args.scopes)))
        except ValueError as exc:
            print(f"unknown scope: {exc}", file=sys.stderr)
            return 2
        except (ServiceAccountNameTaken, ForbiddenServiceAccountScope) as exc:
            print(f"refused: {exc.code}", file=sys.stderr)
            return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm-dq", description="CRM data quality service")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="migrate, then serve the API (embedded PostgreSQL if no DATABASE_URL)"
    )
    serve.add_argument(
        "--graceful-timeout",
        type=float,
        help="seconds in-flight requests get to finish after SIGTERM "
        "(default CRMDQ_SHUTDOWN_GRACE_S)",
    )

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--revision", default="head")
    migrate.add_argument("--downgrade", metavar="REVISION", help="downgrade to REVISION instead")

    openapi = commands.add_parser("openapi", help="write (or --check) openapi/openapi.json")
    openapi.add_argument("--check", action="store_true", help="fail if the file is out of date")
    openapi.add_argument("--output", default=str(OPENAPI_PATH))

    admin = commands.add_parser("create-admin", help="create the first administrator")
    admin.add_argument("--email", required=True)
    admin.add_argument("--reset", action="store_true", help="new set-up token for an existing user")

    account = commands.add_parser("service-account", help="manage service accounts")
    account_commands = account.add_subparsers(dest="action", required=True)
    create = account_commands.add_parser("create", help="create one; prints client_id and secret")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scopes", required=True, help='space-separated, e.g. "records:read validate"'
    )
    add_worker_parser(commands)
    return parser


HANDLERS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "serve": _serve,
    "migrate": _migrate,
    "openapi": _openapi,
    "create-admin": _create_admin,
    "service-account": _service_account,
    "worker": worker_command,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        print(f"invalid configuration: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, json=settings.log_json)
    return HANDLERS[args.command](settings, args)


if __name__ == "__main__":
    sys.exit(main())
