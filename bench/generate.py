"""Write an N-service repository shaped like the seed fleet, defects included.

    python bench/generate.py OUT_DIR [N]
"""

from __future__ import annotations

import sys
from pathlib import Path

# its helper, whether it is run, imported by run.py or loaded from its file by a test
sys.path.insert(0, str(Path(__file__).resolve().parent))
from appfolder import write_app  # noqa: E402

DOCKERFILE = """FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app ./app
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""
MAIN = """from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
"""
SERVICE = """  svc{i}:
    build: ./svc{i}
    ports:
      - "{published}:{target}"
    environment:
      DATABASE_URL: postgresql://app:app@db:5432/app
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:{target}/health"]
      interval: 30s
"""


def generate(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    services = []
    for i in range(count):
        folder = root / f"svc{i}"
        write_app(folder, DOCKERFILE, MAIN)
        if i % 7 == 0:
            (folder / "app" / "Dockerfile").write_text(DOCKERFILE)
        target = 8000 if i % 5 else 8080  # every fifth service has a port mismatch
        services.append(SERVICE.format(i=i, published=20000 + i, target=target))
    (root / "docker-compose.yml").write_text("services:\n" + "".join(services))


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
