"""The variables a Python script that runs Compose sets for it (`os.environ["TEST_PATH"] =
...`, `putenv`, `setdefault`, `update`, or the `env=` it runs the process with): as a shell
script's `export`, Compose reads them from there."""

from __future__ import annotations

import ast

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.model.workspace import Workspace
from fixer.sources import python

# Compose run from Python: `"docker-compose -f ..."`, `["docker", "compose", "up"]`
_PYTHON_RUNS_COMPOSE = lazy_compile(
    r"""docker-compose\b|\bdocker(?:[ \t]+|["'][ \t]*,[ \t]*["'])compose\b""")
# per workspace: the variables the Python scripts that run Compose set for it
_PYTHON_SET: Memo[frozenset[str]] = Memo("variables Python scripts set for compose")


def python_set(ws: Workspace) -> frozenset[str]:
    """The variables a Python script that runs Compose sets in the environment it runs it
    with (a `test_runner.py` that sets `os.environ["TEST_PATH"]`, or passes `env=` to
    `subprocess.run`): as a shell script's `export`, Compose reads them from there."""
    return ws.derived.get(_PYTHON_SET, lambda: _python_variables(ws))


def _python_variables(ws: Workspace) -> frozenset[str]:
    found: set[str] = set()
    # every Python file of the repository is searched, none is an input: one that is not
    # text (a macOS `._draft.py` beside the notes) stops nothing
    for path in sorted(p for p in ws.tree.paths() if p.endswith(".py")):
        file = ws.scan(path)
        if file is None or not _PYTHON_RUNS_COMPOSE.search(file.text):
            continue
        module = python.parse(file)
        found |= _environment_set(module) if module is not None else set()
    return frozenset(found)


def _environment_set(module: ast.Module) -> set[str]:
    """The names a module sets in an environment: `os.environ["X"] = ...`, `os.putenv("X",
    ...)`, `os.environ.setdefault("X", ...)`, `os.environ.update({"X": ...})` or `(X=...)`,
    and the keys of a mapping given as `env=` (written there, or in the name given:
    `env = os.environ.copy()`, `env["X"] = "1"`, `run(..., env=env)`)."""
    nodes = list(ast.walk(module))
    given = {kw.value.id for node in nodes if isinstance(node, ast.Call)
             for kw in node.keywords if kw.arg == "env" and isinstance(kw.value, ast.Name)}
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Assign):
            found |= {key for target in node.targets for key in _set_key(target, given)}
            if any(isinstance(t, ast.Name) and t.id in given for t in node.targets):
                found |= _keys(node.value)
        elif isinstance(node, ast.Call):
            found |= _call_sets(node, given)
    return found


def _is_environment(node: ast.expr, given: set[str]) -> bool:
    """`os.environ`, `environ`, or a name given to a process as its `env=`."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or \
        (isinstance(node, ast.Name) and (node.id == "environ" or node.id in given))


def _set_key(target: ast.expr, given: set[str]) -> list[str]:
    """`X` of an assignment to `os.environ["X"]` (or `env["X"]`)."""
    if isinstance(target, ast.Subscript) and _is_environment(target.value, given):
        return _strings([target.slice])
    return []


def _call_sets(call: ast.Call, given: set[str]) -> set[str]:
    found = {key for kw in call.keywords if kw.arg == "env" for key in _keys(kw.value)}
    func = call.func
    if not isinstance(func, ast.Attribute):
        return found
    if func.attr == "putenv" or (func.attr == "setdefault" and
                                 _is_environment(func.value, given)):
        found.update(_strings(call.args[:1]))
    elif func.attr == "update" and _is_environment(func.value, given):
        found.update(key for arg in call.args for key in _keys(arg))
        found.update(kw.arg for kw in call.keywords if kw.arg is not None)
    return found


def _keys(node: ast.expr) -> set[str]:
    """The string keys of a mapping written out (`{"X": "1", **os.environ}`, `dict(X="1")`)."""
    if isinstance(node, ast.Dict):
        return set(_strings([k for k in node.keys if k is not None]))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {kw.arg for kw in node.keywords if kw.arg is not None}
    return set()


def _strings(nodes: list[ast.expr]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]
