"""The floor: requests per second and latency of GET /healthz through the whole HTTP stack.

One Uvicorn process (as `make run` starts it) and a closed-loop load generator, both on
this machine's 127.0.0.1; every later endpoint's benchmark is compared with this row.

Run: python -m bench.healthz [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import asyncio

from bench.loadgen import HEADER, run_load
from bench.server import running_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with running_server() as port:
        result = asyncio.run(
            run_load(
                "GET /healthz", port, "/healthz", connections=args.connections, seconds=args.seconds
            )
        )
    print(HEADER)
    print(result.row())


if __name__ == "__main__":
    main()
