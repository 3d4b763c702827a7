"""A start-up that queries tables nothing creates: an app whose start-up function (a
`lifespan`, an `on_event("startup")` handler, `startup_requests.startup_functions`) queries
a model through SQLAlchemy or SQLModel before it listens (`db.execute(select(User)...)`,
`db.query(User)`), outside a `try` that handles what it raises, while it waits for a
database service of its stack (`postgres`, `mysql`, `mariadb`) and nothing fixer sees
creates the tables: no `create_all` (nor Tortoise's `generate_schemas`, peewee's
`create_tables`) in the service's code, no migration in any compose file of the stack (a
`migrate` service, `alembic upgrade head && uvicorn ...`, SQL mounted into
`/docker-entrypoint-initdb.d`), in the image's CMD and ENTRYPOINT or the scripts they name,
in a shell script of the build context, or in a module of the app's import path. On a new
database the query raises and the app stops before it listens, so a service waiting for
it to be healthy never starts; a volume an earlier run filled may hold the tables, which
fixer cannot tell. A doubt about a gate on the app, never a finding: the seed admin a
start-up writes is the common case.
"""

from __future__ import annotations

import ast
import posixpath
import re

from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_under
from fixer.facts.database.probes import database_kind
from fixer.facts.health.startup_requests import (
    Function, guarded_nodes, startup_functions, startup_nodes)
from fixer.model import appmodule
from fixer.model.appservice import is_app_service
from fixer.model.depends import dependencies, target_of
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import chain
from fixer.sources.python import dotted_name, parse

# the databases whose tables a migration or `create_all` makes
_SQL = frozenset({"postgres", "mysql", "mariadb"})
# what makes tables, in code or a command: generous, since a word seen keeps a gate safe
_MAKES_TABLES = lazy_compile(r"create_all|generate_schemas|create_tables|alembic|migrat|"
                             r"aerich|yoyo|flyway|liquibase|dbmate|prisma|sqitch|initdb",
                             re.I)
# what creates tables in a Python module of the build context: a script a person runs
# (`python init_db.py`) counts too; a test's fixture (`conftest.py`) does not
_CREATES = lazy_compile(r"create_all|generate_schemas|create_tables")
# the calls that run a statement, and the functions that build one naming a model
_RUNS = frozenset({"execute", "scalar", "scalars", "exec"})
_BUILDS = frozenset({"select", "insert", "update", "delete"})


def unmade_tables(ws: Workspace, service: Service) -> str | None:
    """Why the app may stop at start-up on a new database: its start-up queries a model's
    table, and nothing fixer sees creates the tables; else None."""
    if not isinstance(service, BuiltService) or not _waits_for_sql(ws, service) or \
            not is_app_service(ws, service):
        return None
    module = appmodule.find(ws, service)
    if module is None:
        return None
    paths = appmodule.import_path(ws, module)
    query = _startup_query(ws, paths)
    if query is None or _tables_made(ws, service, paths):
        return None
    path, function, call = query
    return (f"{service.name} may stop at start-up: `{function.name}()` ({path}:{call.lineno}) "
            f"queries the database (`{_shown(call)}`) before the app listens, and fixer sees "
            "nothing create its tables (no `create_all`, no migration the stack runs)")


def _waits_for_sql(ws: Workspace, service: Service) -> bool:
    """The service depends on a SQL database service of its stack."""
    for entry in dependencies(service):
        target = target_of(ws, service, entry.name)
        if target is not None and database_kind(target) in _SQL:
            return True
    return False


def _startup_query(ws: Workspace, paths: list[str]) -> tuple[str, Function, ast.Call] | None:
    """The first query of a model a start-up function of the import path runs before the
    app listens, outside a `try` that handles errors, with its module and function."""
    for path in paths:
        file = ws.read(path)
        if file is None or not re.search(r"\b(?:select|query)\(", file.text):
            continue
        tree = parse(file)
        for function in startup_functions(tree, file.text) if tree is not None else []:
            guarded = guarded_nodes(function)
            call = next((node for node in startup_nodes(function)
                         if isinstance(node, ast.Call) and id(node) not in guarded
                         and _queries_a_model(node)), None)
            if call is not None:
                return path, function, call
    return None


def _queries_a_model(call: ast.Call) -> bool:
    """`session.execute(select(User).where(...))` (`scalar`, `scalars`, SQLModel's `exec`)
    or `db.query(User)`: a statement that names a model, not raw text (`SELECT 1` needs no
    table)."""
    if not isinstance(call.func, ast.Attribute) or not call.args:
        return False
    first = call.args[0]
    if call.func.attr == "query":
        return isinstance(first, (ast.Name, ast.Attribute))
    return call.func.attr in _RUNS and _builds_from_a_model(first)


def _builds_from_a_model(node: ast.expr) -> bool:
    """A statement built by `select(...)` (or `insert`, `update`, `delete`) of a model,
    through the methods chained on it (`.where(...).limit(1)`)."""
    while isinstance(node, ast.Call):
        name = (dotted_name(node.func) or "").rsplit(".", 1)[-1]
        if name in _BUILDS:
            return any(isinstance(arg, (ast.Name, ast.Attribute)) for arg in node.args)
        if not isinstance(node.func, ast.Attribute):
            return False
        node = node.func.value
    return False


def _shown(call: ast.Call) -> str:
    """The call as written, cut short."""
    text = ast.unparse(call)
    return text if len(text) <= 60 else text[:57] + "..."


def _tables_made(ws: Workspace, service: BuiltService, paths: list[str]) -> bool:
    """Whether something fixer sees may create the tables: a compose file of the stack, the
    image's start, a shell script of the build context, or the service's code names it."""
    texts = [doc.file.text for doc in service.stack.docs]
    texts += _start_texts(ws, service)
    folder = service.app.folder
    for path in files_under(ws.tree, folder):
        # a test by its place in the build context: a service's own folder may be `tests/`
        if path.endswith(".sh") or path.endswith(".py") and \
                not _a_test(posixpath.relpath(path, folder or ".")):
            texts.append(_text(ws, path) if path.endswith(".sh") else
                         " ".join(_CREATES.findall(_text(ws, path))))
    texts += [_text(ws, path) for path in paths]
    return any(_MAKES_TABLES.search(text) for text in texts)


def _a_test(path: str) -> bool:
    """A module of the tests (`tests/`, `conftest.py`, `test_*.py`): what it creates is the
    test database's."""
    parts = path.split("/")
    name = parts[-1]
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py") \
        or any(part in ("tests", "test") for part in parts[:-1])


def _start_texts(ws: Workspace, service: BuiltService) -> list[str]:
    """The image's CMD and ENTRYPOINT, and the files of the build context they name."""
    app = service.app
    starts = [instruction for link in chain(app.dockerfile, app.stage)
              for instruction in (link.last("CMD"), link.last("ENTRYPOINT"))
              if instruction is not None]
    written = [" ".join(instruction.value) for instruction in starts]
    words = {posixpath.basename(word) for text in written for word in text.split()}
    named = [path for path in files_under(ws.tree, app.folder)
             if posixpath.basename(path) in words]
    return written + [_text(ws, path) for path in named]


def _text(ws: Workspace, path: str) -> str:
    file = ws.read(path)
    return file.text if file is not None else ""
