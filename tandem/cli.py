"""Command-line plumbing shared by ``python -m matching`` and ``python -m contest``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from tandem.errors import InputError

#: Exit code for bad input (docs/formats.md §12.3).
EXIT_BAD_INPUT = 2


def run_cli(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> int:
    """Run ``main(argv)`` and turn :class:`InputError` into exit code 2.

    The Russian report goes to stderr without a traceback. Ctrl+C gives exit
    130 and SIGTERM exit 143, both after the running save has removed its
    temporary file (:func:`tandem.xlsx.atomic_save`), so an interrupted run
    leaves the previous output intact and no partial file. Other exceptions
    propagate (they are bugs, not bad input).
    """
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(main(argv) or 0)
    except InputError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Прервано пользователем; выходные файлы не изменены.", file=sys.stderr)
        return 130
    except _Terminated:
        print("Работа прервана (сигнал завершения); выходные файлы не изменены.", file=sys.stderr)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that ``finally`` blocks remove temporary files."""


def _terminate(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Terminated()


class ArgumentParser(argparse.ArgumentParser):
    """argparse with a Russian one-line error and exit code 2 (no usage dump)."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_BAD_INPUT, f"Ошибка в командной строке: {message}.\nСправка: {self.prog} --help\n")
