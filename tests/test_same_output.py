"""A run says the same thing every time: the order of a set of paths changes from one
process to the next (string hashing is randomized), and a search that took the first file
it found named another file in each run (I001's reason named another importer)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import write_tree

# `main` imports `decorators` as a top-level module, where its relative import fails; three
# services import it as `api.decorators`, which the absolute import would break: I001's fix
# is unsafe, its reason naming one of them
IMPORTED_BOTH_WAYS = {
    "docker-compose.yml": ("services:\n  api:\n    build: ./api\n"
                           "    command: uvicorn main:app --host 0.0.0.0 --port 8000\n"),
    "api/Dockerfile": ("FROM python:3.12-slim\nWORKDIR /srv/api\nCOPY requirements.txt .\n"
                       "RUN pip install -r requirements.txt\nCOPY . .\n"
                       'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n'),
    "api/requirements.txt": "fastapi\nuvicorn\n",
    "api/main.py": ("from fastapi import FastAPI\n\nimport decorators\n\napp = FastAPI()\n\n\n"
                    '@app.get("/health")\ndef health() -> dict[str, str]:\n'
                    '    return {"status": "ok"}\n'),
    "api/exceptions.py": "class AppError(Exception):\n    pass\n",
    "api/decorators.py": "from .exceptions import AppError\n",
    **{f"api/services/{name}.py": "from api.decorators import AppError\n"
       for name in ("mail", "billing", "search", "audit", "export")},
}


def _check(repo: Path, seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run([sys.executable, "-m", "fixer.cli", "check", str(repo), "--select",
                           "I001", "--format", "json"], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_a_check_says_the_same_in_every_process(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, IMPORTED_BOTH_WAYS)
    outputs = {_check(repo, seed) for seed in range(6)}
    assert len(outputs) == 1, outputs
    [said] = outputs
    assert "api/services/audit.py:1 imports `api.decorators`" in said, said
