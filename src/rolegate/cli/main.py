"""The `rolegate` command: parse arguments, run the chosen handler, exit with its code."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rolegate.cli.main_parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(arguments).parse_args(arguments)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
