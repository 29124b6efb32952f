"""A dispatcher in its own process, for the test that kills one mid-delivery.

    python -m tests.webhooks.outbound_probe DATABASE_URL

Prints "claimed" once it has taken a delivery and is sending it; the test then SIGKILLs it.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from app.core.db import make_engine, make_sessionmaker
from app.core.keyring import encryption_keyring
from app.webhooks.dispatcher import Dispatcher, DispatchPolicy
from tests.conftest import make_test_settings

# A short lease, so the surviving dispatcher takes over after 1.5 s rather than 35 s.
POLICY = DispatchPolicy(timeout_s=30.0, lease_override=timedelta(seconds=1.5))


async def main(url: str) -> None:
    settings = make_test_settings(url)
    engine = make_engine(settings, url)
    dispatcher = Dispatcher(
        make_sessionmaker(engine), encryption_keyring(settings), POLICY, worker_id="doomed"
    )
    print("started", flush=True)
    await dispatcher.run_once()  # blocks in the receiver's stall until we are killed
    print("finished", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
