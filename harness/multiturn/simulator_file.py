"""Simulator classes shipped with a suite: a `.py` file in the suite folder, imported by path.

The module gets a private name derived from its path (never a name a user could collide with, never added to
`sys.path`), and is registered in `sys.modules` so its objects can be copied and pickled like any other. It is
compiled from source every time, so no `__pycache__` is written into the suite folder (a suite's files stay the
files it ships).
"""
from __future__ import annotations

import hashlib
import sys
import types
from pathlib import Path
from typing import Sequence

from harness.errors import HarnessInputError

_MODULE_PREFIX = "_harness_simulator_"


def load_simulator_classes(path: str | Path, class_names: Sequence[str]) -> tuple[type, ...]:
    """The classes `class_names` defined in the Python file `path`, in that order.

    Bad input (no such file, a file that does not import, a name that is not a class there) is a one-line
    HarnessInputError naming the file, and the line for a syntax error.
    """
    path = Path(path).resolve()
    module = _import(path)
    classes = []
    for name in class_names:
        value = getattr(module, name, None) if not name.startswith("_") else None
        if not isinstance(value, type):
            defined = sorted(key for key, item in vars(module).items()
                             if isinstance(item, type) and item.__module__ == module.__name__)
            raise HarnessInputError(f"no simulator class {name!r} in the file", path=path, field="classes",
                                    hint=f"classes defined there: {', '.join(defined) or 'none'}")
        classes.append(value)
    return tuple(classes)


def _import(path: Path):
    if not path.is_file():
        raise HarnessInputError("simulator file not found", path=path, hint="give a .py file in the suite folder")
    stat = path.stat()  # an edited file is a new module, not the stale one
    key = f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}"
    name = _MODULE_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:16]
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    if path.suffix != ".py":
        raise HarnessInputError("not an importable Python file", path=path, hint="name it with a .py suffix")
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    try:
        exec(compile(path.read_bytes(), str(path), "exec"), module.__dict__)  # the suite's own code, by design
    except SyntaxError as exc:
        del sys.modules[name]
        raise HarnessInputError(f"syntax error in simulator file: {exc.msg}", path=path, line=exc.lineno) from None
    except Exception as exc:  # the file runs code at import time; any failure there is the file's
        del sys.modules[name]
        raise HarnessInputError(f"simulator file failed to import: {type(exc).__name__}: {exc}", path=path,
                                hint="run it with python to see the traceback") from None
    return module
