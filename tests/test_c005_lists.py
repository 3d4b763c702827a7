"""C005's one fix for databases that lists wait for in different sets (a waits for db, b for
db and mq): its title names who waits for which, and the finding of the database whose
probe the first fix writes along is settled by it, in `check` as in `fix`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from support import run_cli, write_tree

DOCKERFILE = ('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install fastapi uvicorn\n'
              'EXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", '
              '"8000"]\n')
MAIN = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
        'def health():\n    return {"status": "ok"}\n')
COMPOSE = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: p
  mq:
    image: rabbitmq:3
  a:
    build: ./a
    depends_on:
      - db
  b:
    build: ./b
    depends_on:
      - db
      - mq
"""


def _tree(tmp_path: Path, compose: str = COMPOSE) -> Path:
    files = {"compose.yaml": compose}
    for name in ("a", "b"):
        files |= {f"{name}/Dockerfile": DOCKERFILE, f"{name}/app/__init__.py": "",
                  f"{name}/app/main.py": MAIN}
    return write_tree(tmp_path, files)


def _c005(root: Path) -> list[dict[str, object]]:
    code, out, err = run_cli("check", root, "--select", "C005", "--format", "json")
    assert code == 1, err
    return [f for f in json.loads(out)["findings"] if f["code"] == "C005"]


def test_the_title_says_who_waits_for_which_database(tmp_path: Path) -> None:
    db, mq = _c005(_tree(tmp_path))
    assert db["fix"] == {"safety": "safe", "title": (
        "Add a `pg_isready` healthcheck to db and a `rabbitmq-diagnostics` healthcheck to mq "
        "and make a and b wait for db, and b for mq, to be healthy")}
    assert (mq["service"], mq["fix"], mq["fixed_later"]) == ("mq", None, "settled")


def test_check_and_fix_count_the_settled_finding_alike(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    code, out, err = run_cli("check", root, "--select", "C005")
    assert code == 1 and "(1 fixable with `fixer fix`, 1 settled by another finding's " \
        "fix)." in err, err
    code, out, err = run_cli("fix", root, "--select", "C005")
    assert "Would apply 1 fix. 1 finding is settled by another finding's fix." in err


def test_lists_that_wait_for_every_database_keep_the_short_title(tmp_path: Path) -> None:
    both = COMPOSE.replace("      - db\n  b:", "      - db\n      - mq\n  b:")
    db, _mq = _c005(_tree(tmp_path, both))
    assert str(db["fix"]["title"]).endswith(  # type: ignore[index]
        "and make a and b wait for them to be healthy")


def test_every_database_probed_along_yields_to_the_first_fix(tmp_path: Path) -> None:
    # b waits for all three: the fix of db, the first in the file, is the one made
    # (b lists mq, cache, db: the fix of mq probes cache before db)
    three = COMPOSE.replace("  mq:\n", "  cache:\n    image: redis:7\n  mq:\n").replace(
        "      - db\n      - mq\n", "      - mq\n      - cache\n      - db\n")
    db, cache, mq = _c005(_tree(tmp_path, three))
    assert db["fix"] is not None and cache["fix"] is None and mq["fix"] is None
    assert "the C005 fix of db (compose.yaml:3) goes first" in str(mq["reason"]), mq
    assert "the C005 fix of db (compose.yaml:3) goes first" in str(cache["reason"]), cache


def test_a_fix_that_waits_counts_as_unsafe_where_its_probes_stay_in_doubt(
        tmp_path: Path) -> None:
    """The fixes wait for the app's healthcheck (C004: the worker's list names the app and
    redis), and once it is in, db's probe may not pass (its password documented empty): the
    check counts them with the unsafe fixes, not as ones `fixer fix` makes after it."""
    case = Path(__file__).parent.parent / "golden" / "C005-database-not-healthchecked" / \
        "waiting-for-the-app-healthcheck-then-unsafe-for-a-password-left-empty" / "before"
    root = tmp_path / "repo"
    shutil.copytree(case, root)
    code, out, err = run_cli("check", root, "--format", "json")
    found = {f["service"]: f for f in json.loads(out)["findings"] if f["code"] == "C005"}
    assert {name: f["fixed_later"] for name, f in found.items()} == \
        {"db": "unsafe", "redis": "unsafe"}, found
    assert "db may stop at start-up" in str(found["redis"]["reason"])
    code, out, err = run_cli("check", root)
    assert "(1 fixable with `fixer fix`, 2 more with `--unsafe-fixes`)." in err, err
