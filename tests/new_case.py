"""Scaffold a golden case: `python tests/new_case.py CODE name` (or `make new-case CODE=.. NAME=..`).

Creates golden/<CODE>-<rule-name>/<name>/ with a small, healthy starting tree in before/ (a
compose file and one FastAPI service with its Dockerfile and requirements.txt) and empty
expected.diff and expected.findings. Edit before/ until it shows the case, then let the golden
runner write the expected files and read them before keeping them.

Run it as a script path: tests/ is not a package (conftest.py puts it on sys.path for pytest),
and a script needs no package. `--root` writes under another golden folder (the scaffold's own
test uses a temporary one).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fixer.app.registry import discover

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# A stack that every rule accepts as it is, so any finding a case shows comes from its edit.
BEFORE: dict[str, str] = {
    "docker-compose.yml": """\
services:
  orders:
    build: ./orders
    ports:
      - "8000:8000"
    environment:
      LOG_LEVEL: info
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
      interval: 10s
      timeout: 3s
      retries: 5
    networks:
      - backend

networks:
  backend:
""",
    "orders/Dockerfile": """\
FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app ./app
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
""",
    "orders/requirements.txt": """\
fastapi>=0.110
uvicorn>=0.29
""",
    "orders/app/__init__.py": "",
    "orders/app/main.py": '''\
"""Orders service."""
from fastapi import FastAPI

app = FastAPI(title="Orders")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/orders/{order_id}")
def get_order(order_id: str) -> dict[str, str]:
    return {"id": order_id}
''',
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="new_case", description=__doc__.split("\n")[0])
    parser.add_argument("code", help="rule code, such as P001")
    parser.add_argument("name", help="case folder name, lower-case words joined by '-'")
    parser.add_argument("--root", type=Path, default=GOLDEN, help="golden folder to write under")
    return parser.parse_args(argv)


def case_folder(root: Path, code: str, name: str) -> Path:
    """golden/<CODE>-<rule-name>/<name>; ValueError for an unknown code or a bad name."""
    rules = {rule.code: rule for rule in discover()}
    if code not in rules:
        raise ValueError(f"unknown rule code {code!r}; known: {', '.join(sorted(rules))}")
    if not CASE_NAME.fullmatch(name):
        raise ValueError(f"case name {name!r}: use lower-case words joined by '-'")
    return root / f"{code}-{rules[code].name}" / name


def write_case(case: Path) -> None:
    """The starting tree and empty expected files; FileExistsError when the case exists."""
    if case.exists():
        raise FileExistsError(f"{case} exists already; pick another name")
    for relative, text in BEFORE.items():
        path = case / "before" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (case / "expected.diff").write_text("", encoding="utf-8")
    (case / "expected.findings").write_text("", encoding="utf-8")


def next_steps(case: Path, code: str) -> str:
    return f"""created {case}
next:
  1. edit {case / 'before'} until it shows the case (rename the service, add files, break it);
  2. optional: write {case / 'args'} with the fix arguments (default: --select {code});
  3. FIXER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py -k {case.name}
     writes expected.diff and expected.findings (an empty expected.diff means "must not change");
  4. read both as a reviewer would before keeping them.
"""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        case = case_folder(args.root, args.code, args.name)
        write_case(case)
    except (ValueError, FileExistsError) as error:
        print(f"new_case: {error}", file=sys.stderr)
        return 2
    print(next_steps(case, args.code), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
