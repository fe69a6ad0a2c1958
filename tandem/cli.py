"""Command-line plumbing shared by ``python -m matching`` and ``python -m contest``."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from tandem.errors import InputError

#: Exit code for bad input (the contract in PRODUCT.md).
EXIT_BAD_INPUT = 2


def run_cli(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> int:
    """Run ``main(argv)`` and turn :class:`InputError` into exit code 2.

    The Russian report goes to stderr without a traceback. Other exceptions
    propagate (they are bugs, not bad input).
    """
    try:
        return int(main(argv) or 0)
    except InputError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Прервано пользователем; выходные файлы не изменены.", file=sys.stderr)
        return 130


class ArgumentParser(argparse.ArgumentParser):
    """argparse with a Russian one-line error and exit code 2 (no usage dump)."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_BAD_INPUT, f"Ошибка в командной строке: {message}.\n"
                                  f"Справка: {self.prog} --help\n")
