"""`python -m emulators <service> --port N` runs one emulator; `python -m emulators demo` runs the demo set.

The demo runner starts every demo emulator whose real service is not configured in the environment, prints one
JSON line with the variables that point Harmony at them, and serves until it is stopped.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import threading

from emulators.base import serve_forever, serve_in_thread
from emulators.registry import SERVICES, Service


def _service_parser(service: Service, parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    if service.add_arguments:
        service.add_arguments(parser)
    return parser


def run_demo() -> None:
    wanted = [
        service
        for service in SERVICES.values()
        if service.demo and not any(os.environ.get(name) for name in service.configured_by)
    ]
    env: dict[str, str] = {}
    running = []
    for service in wanted:
        args = _service_parser(service, argparse.ArgumentParser()).parse_args([])
        server = serve_in_thread(service.build(args))
        running.append(server)
        env.update({name: value.format(url=server.url) for name, value in service.demo_env.items()})
    print(json.dumps(env), flush=True)
    if not running:
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in running:
            server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulators", description="Run emulators of outside services.")
    sub = parser.add_subparsers(dest="service", required=True)
    sub.add_parser("demo", help="every demo emulator whose real service is not configured")
    for service in SERVICES.values():
        _service_parser(service, sub.add_parser(service.name, help=service.help))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.service == "demo":
        run_demo()
        return
    serve_forever(SERVICES[args.service].build(args), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
