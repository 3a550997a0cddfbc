"""The `dtiscore` command line. Each module of this package registers its commands."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .. import __version__
from ..errors import DtiError
from . import analysis, core, rollup, sheets, testing

COMMAND_MODULES = (core, sheets, analysis, rollup, testing)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except DtiError as error:
        print(error, file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `dtiscore score ... | head`
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dtiscore", description="Score DTI frameworks written as .dti files.")
    parser.add_argument("--version", action="version", version=f"dtiscore {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser
