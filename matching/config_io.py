"""Reading a matching configuration from a YAML file.

The file is parsed by :func:`tandem.yamlio.read_yaml_file` (YAML 1.2 core
schema: ``no``, ``on``, ``077`` or ``1:20`` stay text instead of becoming
booleans and numbers; duplicate keys are an error) and checked by
:func:`matching.config.config_from_dict`. The keys and defaults are those of
:mod:`matching.config`.
"""

from __future__ import annotations

import os
from pathlib import Path

from matching.config import MatchConfig, config_from_dict
from tandem.yamlio import read_yaml_file


def load_config(path: str | os.PathLike | None) -> MatchConfig:
    """Read a YAML configuration; ``None`` gives the defaults.

    Raises
    ------
    InputError
        The file is missing, is not valid YAML, or has bad keys or values.
    """
    if path is None:
        return MatchConfig()
    data, _lines = read_yaml_file(path, what="файл конфигурации")
    return config_from_dict(data, source=Path(path).name)
