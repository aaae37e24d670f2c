"""`python -m emulators <service> --port N [--host 127.0.0.1]`"""

from __future__ import annotations

import argparse
import logging

from emulators.base import serve_forever
from emulators.registry import SERVICES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulators", description="Run an emulator of an outside service.")
    sub = parser.add_subparsers(dest="service", required=True)
    for service in SERVICES.values():
        service_parser = sub.add_parser(service.name, help=service.help)
        service_parser.add_argument("--port", type=int, required=True, help="TCP port (0 = any free port)")
        service_parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
        if service.add_arguments:
            service.add_arguments(service_parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve_forever(SERVICES[args.service].build(args), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
