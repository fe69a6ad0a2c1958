"""Reading YAML without the YAML 1.1 surprises: the one YAML policy of the workbench.

PyYAML's ``safe_load`` follows YAML 1.1: ``no``/``off`` become ``False``,
``on``/``yes`` become ``True``, ``077`` becomes 63 (octal), ``1_000`` becomes
1000 and ``1:20`` becomes 80 (sexagesimal), ``2026-03-01`` becomes a date.
In a contest definition or a matching configuration that silently corrupts
ids and numbers (or turns a misspelt ``true`` into a boolean nobody wrote).
This loader resolves
plain scalars by the YAML 1.2 *core* schema only, stricter still:

* booleans: ``true`` / ``false`` (any case form of the core schema);
* null: ``~``, ``null``, empty;
* integers: decimal without leading zeros (``0``, ``-3``, ``120``);
* floats: decimal with a point or exponent (``0.5``, ``.5``, ``1e3``,
  ``.inf``, ``.nan``) without leading zeros;
* everything else is a string — ``077``, ``no``, ``on``, ``1_000``, ``1:20``,
  ``2026-03-01`` stay the text they were written as.

Numbers remember the text they were written as (attribute ``text``), so an id
written ``1.10`` is read back as ``"1.10"``, not ``"1.1"``. Duplicate keys
in a mapping are a syntax error (PyYAML would keep the last one silently).

:func:`load_yaml` parses text; :func:`read_yaml_file` reads a file (UTF-8,
a BOM accepted) and reports every problem as a Russian
:class:`tandem.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tandem.errors import InputError, Issue


class YamlSyntaxError(Exception):
    """YAML that cannot be read; ``line`` is 1-based or ``None``."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


class _Int(int):
    """An int that remembers its source text."""

    text: str

    def __new__(cls, value: int, text: str):
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class _Float(float):
    """A float that remembers its source text."""

    text: str

    def __new__(cls, value: float, text: str):
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class CoreLoader(yaml.SafeLoader):
    """SafeLoader restricted to the YAML 1.2 core schema (see the module docstring)."""

    def construct_yaml_int(self, node: ScalarNode) -> int:  # type: ignore[override]
        text = self.construct_scalar(node)
        return _Int(int(text), text)

    def construct_yaml_float(self, node: ScalarNode) -> float:  # type: ignore[override]
        text = self.construct_scalar(node)
        low = text.lower()
        if low.endswith(".inf"):
            value = float("-inf") if low.startswith("-") else float("inf")
        elif low == ".nan":
            value = float("nan")
        else:
            value = float(text)
        return _Float(value, text)

    def construct_mapping(self, node: Node, deep: bool = False) -> dict:  # type: ignore[override]
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    continue
                if key in seen:
                    raise ConstructorError(
                        None,
                        None,
                        f"повторяющийся ключ «{key}» (первый раз — в строке {seen[key]})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


CoreLoader.yaml_implicit_resolvers = {}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
CoreLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT_RE, list("-+0123456789"))
CoreLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_RE, list("-+0123456789."))
CoreLoader.add_constructor("tag:yaml.org,2002:int", CoreLoader.construct_yaml_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", CoreLoader.construct_yaml_float)


def _node_lines(node: Node, path: str, out: dict[str, int]) -> None:
    """Map key paths (``stages[0].tasks[1].id``) to 1-based line numbers."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else "?"
            sub = f"{path}.{key}" if path else str(key)
            out.setdefault(sub, key_node.start_mark.line + 1)
            _node_lines(value_node, sub, out)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            sub = f"{path}[{i}]"
            out.setdefault(sub, item.start_mark.line + 1)
            _node_lines(item, sub, out)


def load_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """Parse one YAML document with :class:`CoreLoader`.

    Returns
    -------
    data : object
        The constructed document (``None`` for an empty one).
    lines : dict
        Key path → 1-based line, for error messages.

    Raises
    ------
    YamlSyntaxError
        With a Russian message and the line of the problem.
    """
    try:
        loader = CoreLoader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters (a binary file)
        raise YamlSyntaxError(
            f"в файле недопустимые (непечатаемые) символы — это не текст YAML [{exc}]", None
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "непонятная конструкция"
        raise YamlSyntaxError(_translate(problem), line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(_translate(str(exc)), None) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    _node_lines(node, "", lines)
    return data, lines


_PROBLEMS = {
    "mapping values are not allowed here": "здесь нельзя ставить «ключ: значение» (проверьте отступы и двоеточия)",
    "found character '\\t' that cannot start any token": "символ табуляции недопустим — используйте пробелы",
    "could not find expected ':'": "не найдено ожидаемое двоеточие «:»",
    "expected <block end>, but found": "нарушены отступы (ожидалось окончание блока)",
    "found undefined alias": "ссылка на неопределённый якорь (*alias)",
    "but found another document": "в файле больше одного документа YAML",
    "found unexpected end of stream": "файл неожиданно закончился (не закрыта кавычка или скобка?)",
    "did not find expected key": "не найден ожидаемый ключ (проверьте отступы и дефисы списков)",
    "did not find expected node content": "не найдено ожидаемое значение",
    "while scanning a quoted scalar": "не закрыта кавычка",
}


def _translate(problem: str) -> str:
    for en, ru in _PROBLEMS.items():
        if en in problem:
            return f"{ru} [{problem}]"
    return problem


def read_yaml_file(path: str | os.PathLike, what: str = "файл") -> tuple[Any, dict[str, int]]:
    """Read and parse a YAML file with :class:`CoreLoader`.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 text file (a BOM is accepted).
    what : str
        What the file is, for the message when it is missing
        (e.g. ``"файл конфигурации"``).

    Returns
    -------
    data : object
        The constructed document; ``None`` for an empty file.
    lines : dict
        Key path → 1-based line (:func:`load_yaml`).

    Raises
    ------
    tandem.errors.InputError
        The file is missing (the message names the path as given), is not
        UTF-8 text, or has a YAML syntax error: «ошибка синтаксиса YAML
        (строка N): …» (the problem in Russian, PyYAML's words in brackets).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(Issue(f"{what} не найден", file=str(path))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            Issue(f"не удалось прочитать файл как текст UTF-8 ({exc.__class__.__name__})", file=path.name)
        ) from None
    try:
        return load_yaml(text)
    except YamlSyntaxError as exc:
        where = f" (строка {exc.line})" if exc.line is not None else ""
        raise InputError(Issue(f"ошибка синтаксиса YAML{where}: {exc.message}", file=path.name)) from None
