"""Reading a contest definition file: the edge in front of :mod:`contest.definition`."""

from __future__ import annotations

from pathlib import Path

from contest.definition import parse_contest_text
from contest.model import Contest, ContestError
from tandem.errors import Issue

__all__ = ["load_contest"]


def load_contest(path: str | Path) -> Contest:
    """Read and validate a contest definition from a YAML file.

    Parameters
    ----------
    path : str or Path
        UTF-8 YAML file (a BOM is accepted).

    Returns
    -------
    Contest
        ``source`` is ``str(path)``; ``version`` the first 12 hex digits of
        the SHA-256 of the text.

    Raises
    ------
    ContestError
        File missing or unreadable, YAML syntax error (with its line), or any
        problem of the definition (all of them, each with the key path and line).
    """
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ContestError(Issue("файл описания конкурса не найден", file=name)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContestError(
            Issue(f"не удалось прочитать файл как текст UTF-8 ({exc.__class__.__name__})", file=name)
        ) from None
    return parse_contest_text(text, file=name, source=str(path))
