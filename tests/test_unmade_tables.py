"""A start-up that queries tables nothing creates (`facts/database/unmadetables.py`): on a new
database the query raises and the app stops before it listens, so a gate on it is in doubt,
and so is the healthcheck C004 would add where a service waits for the app with a plain
`depends_on` entry (its C003 fix would be unsafe). Whatever may create the tables keeps them
safe: a migration the stack runs, `create_all` in the service's code."""

from __future__ import annotations

import pytest

from fixer.model.rule import Safety
from kit import check

COMPOSE = ("services:\n  db:\n    image: postgres:16\n    environment:\n"
           "      POSTGRES_PASSWORD: postgres\n    healthcheck:\n"
           "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n"
           "  api:\n    build: ./api\n{command}    depends_on:\n      db:\n"
           "        condition: service_healthy\n"
           "  web:\n    build: ./web\n    ports:\n      - \"8080:80\"\n    depends_on:\n"
           "      - api\n")
DOCKERFILE = ("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
              "RUN pip install -r requirements.txt\nCOPY . .\n"
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
MODELS = ("from sqlalchemy import String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, "
          "mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass User(Base):\n"
          "    __tablename__ = \"users\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
          "    name: Mapped[str] = mapped_column(String(50))\n")
DB = ("from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\n"
      "engine = create_engine(\"postgresql://postgres:postgres@db/postgres\")\n"
      "SessionLocal = sessionmaker(bind=engine)\n")
SEED = ("    db = SessionLocal()\n    try:\n"
        "        if db.execute(select(User).where(User.name == \"admin\")).first() is None:\n"
        "            db.add(User(name=\"admin\"))\n            db.commit()\n"
        "    finally:\n        db.close()\n")
MAIN = ("from fastapi import FastAPI\nfrom sqlalchemy import select\n\n"
        "from app.db import SessionLocal\nfrom app.models import User\n\napp = FastAPI()\n\n\n"
        "@app.get(\"/health\")\ndef health() -> dict[str, str]:\n    return {\"status\": \"ok\"}\n"
        "\n\n@app.on_event(\"startup\")\ndef seed_admin() -> None:\n" + SEED)


def repository(main: str = MAIN, command: str = "", **more: str) -> dict[str, str]:
    return {"docker-compose.yml": COMPOSE.format(command=command),
            "api/Dockerfile": DOCKERFILE,
            "api/requirements.txt": "fastapi\nuvicorn\nsqlalchemy\npsycopg2-binary\n",
            "api/app/__init__.py": "", "api/app/main.py": main, "api/app/db.py": DB,
            "api/app/models.py": MODELS,
            "web/Dockerfile": "FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\n",
            "web/index.html": "<h1>shop</h1>\n", **more}


def under_tests(files: dict[str, str]) -> dict[str, str]:
    """The repository with the api service's folder moved below `tests/` (a folder of
    services that are themselves under test)."""
    moved = {("tests/" + path if path.startswith("api/") else path): text
             for path, text in files.items()}
    moved["docker-compose.yml"] = moved["docker-compose.yml"].replace("./api", "./tests/api")
    return moved


def c004(files: dict[str, str]) -> tuple[Safety, str]:
    [found] = [f for f in check(files, select=["C003", "C004"]) if f.code == "C004"]
    return found.safety, found.reason or ""


def test_a_start_up_querying_tables_nothing_creates_makes_the_healthcheck_unsafe() -> None:
    safety, reason = c004(repository())
    assert safety is Safety.UNSAFE
    assert reason == (
        "web waits for api with a plain depends_on entry, which a healthcheck makes a C003 "
        "finding with an unsafe fix: api may stop at start-up: `seed_admin()` "
        "(api/app/main.py:19) queries the database (`db.execute(select(User).where(User.name "
        "== 'admin'))`) before the app listens, and fixer sees nothing create its tables (no "
        "`create_all`, no migration the stack runs)")


LIFESPAN = ("from contextlib import asynccontextmanager\n\nfrom fastapi import FastAPI\n"
            "from sqlalchemy import select, text\n\nfrom app.db import SessionLocal\n"
            "from app.models import User\n\n\n@asynccontextmanager\nasync def lifespan(app):\n"
            "{before}    yield\n{after}\n\napp = FastAPI(lifespan=lifespan)\n")




@pytest.mark.parametrize(("files", "doubt"), [
    pytest.param(repository(command="    command: sh -c \"alembic upgrade head && uvicorn "
                            "app.main:app --host 0.0.0.0 --port 8000\"\n"),
                 False, id="a-migration-in-the-command"),
    pytest.param(repository(**{"api/app/init_db.py": "from app.db import engine\nfrom "
                               "app.models import Base\n\nBase.metadata.create_all(engine)\n"}),
                 False, id="create-all-in-a-module-of-the-service"),
    pytest.param(repository(**{"api/tests/conftest.py": "from app.db import engine\nfrom "
                               "app.models import Base\n\nBase.metadata.create_all(engine)\n"}),
                 True, id="create-all-in-a-test-fixture-only"),
    pytest.param(under_tests(repository(**{"api/app/init_db.py": "from app.db import engine\n"
                                           "from app.models import Base\n\n"
                                           "Base.metadata.create_all(engine)\n"})),
                 False, id="create-all-in-a-service-whose-folder-is-below-tests"),
    pytest.param(repository(**{"api/prestart.sh": "#!/bin/sh\nalembic upgrade head\n"}),
                 False, id="a-shell-script-that-migrates"),
    pytest.param(repository(main=MAIN.replace(SEED, "    db = SessionLocal()\n    try:\n"
                                              "        db.execute(select(User)).first()\n"
                                              "    except Exception:\n        pass\n")),
                 False, id="in-a-try-that-handles-errors"),
    pytest.param(repository(main=LIFESPAN.format(
        before="    with SessionLocal() as db:\n        db.execute(text(\"SELECT 1\"))\n",
        after="")), False, id="raw-sql-needs-no-table"),
    pytest.param(repository(main=LIFESPAN.format(
        before="    with SessionLocal() as db:\n        db.query(User).first()\n", after="")),
        True, id="a-legacy-query-in-a-lifespan"),
    pytest.param(repository(main=LIFESPAN.format(
        before="", after="    with SessionLocal() as db:\n        db.query(User).first()\n")),
        False, id="after-the-lifespans-yield"),
])
def test_what_may_create_the_tables_keeps_the_healthcheck_safe(files: dict[str, str],
                                                               doubt: bool) -> None:
    safety, reason = c004(files)
    assert (safety is Safety.UNSAFE and "nothing create its tables" in reason) is doubt, \
        (safety, reason)
