"""Write an N-service repository whose services share what real ones share, defects included.

    python bench/gen_shared.py OUT_DIR [N]

Every service waits for one `db` (postgres, its password a variable nothing defines) and one
`redis`, neither with a healthcheck (C005 once for each, C003 for each list), and for an
`auth` app with no healthcheck (C004's healthcheck on it reveals a C003 finding on every
list, each of which the fix output names it as revealing); loads an
`env_file` the repository does not hold (C007); reads a variable of its own that no example
file documents (C006, every fix into one `.env.example`); starts with a shell-form CMD (D002)
and serves no health route (H001, then C004). The seed fleet's generators share one file
at most: what every service shares is where a fix's work can grow with the square of the
services (each list judged for each database, each variable compared with every other).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # run, or imported by run.py
from appfolder import write_app  # noqa: E402

DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
CMD uvicorn app.main:app --host 0.0.0.0 --port 8000
"""
MAIN = """from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items() -> list[str]:
    return []
"""
SHARED = """services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
  redis:
    image: redis:7
  auth:
    build: ./auth
    ports:
      - "19999:8000"
"""
SERVICE = """  svc{i}:
    build: ./svc{i}
    ports:
      - "{published}:8000"
    env_file:
      - ./svc{i}/.env
    environment:
      TOKEN: ${{SVC{i}_TOKEN}}
      DATABASE_URL: postgresql://app:${{DB_PASSWORD}}@db:5432/postgres
      REDIS_URL: redis://redis:6379/0
    depends_on:
      - db
      - redis
      - auth
"""


def generate_shared(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name in ["auth", *(f"svc{i}" for i in range(count))]:
        write_app(root / name, DOCKERFILE, MAIN, "fastapi\nuvicorn\nredis\n")
    services = [SERVICE.format(i=i, published=20000 + i) for i in range(count)]
    (root / "docker-compose.yml").write_text(SHARED + "".join(services))


if __name__ == "__main__":
    generate_shared(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
