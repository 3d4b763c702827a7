"""Write a repository of N stacks, each in its own folder, beside a `docs/` of Markdown guides.

    python bench/gen_stacks.py OUT_DIR [N] [GUIDES]

Each stack is one service's folder with its own `compose.yaml`, which loads a `.env` the
repository does not hold (C007) and reads a variable no example documents (C006); the
`docs/` folder holds GUIDES (default 200) setup guides of some 15 KB each, with headings,
`cd` steps, `cp .env.example .env`, `.env.{dev|prod}` alternatives and listings of
variables. The rules that read guides for what they tell a checkout ask of every guide for
every stack and every missing file: where what a guide holds was read again for each, a
repository of 60 stacks and 300 guides took 12 s to check, one of 18 missing files and 481
guides a minute.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # run, or imported by run.py
from appfolder import write_app  # noqa: E402

DOCKERFILE = """FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""
MAIN = """import os

from fastapi import FastAPI

app = FastAPI()
TOKEN = os.environ.get("STACK{i}_TOKEN", "")


@app.get("/health")
def health() -> dict[str, str]:
    return {{"status": "ok"}}
"""
COMPOSE = """services:
  api:
    build: .
    ports:
      - "{published}:8000"
    env_file: .env
    environment:
      TOKEN: ${{STACK{i}_TOKEN}}
"""
SECTION = """## Part {part} of guide {guide}

The service of this part reads its settings from the environment. Run it on your machine
with the commands below, then open the page it serves and check the log for errors.

```bash
cd tools/part{part}
make build
./run.sh --verbose
```

Settings it reads, with the values the test setup uses:

```
PART{part}_HOST=localhost
PART{part}_PORT=80{part:02d}
PART{part}_TIMEOUT=30
```

- `PART{part}_RETRIES=3`: how often a request is tried again
- `PART{part}_LEVEL=info`: how much it logs

Deployments copy `config/part{part}.{{dev|prod}}.yaml` to the host before they start it,
and read the notes in `docs/part{part}.md` for what changed since the last release.

"""


def guide(number: int) -> str:
    return f"# Guide {number}\n\n" + "".join(SECTION.format(part=part, guide=number)
                                             for part in range(24))


def generate_stacks(root: Path, count: int, guides: int = 200) -> None:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for number in range(guides):
        (root / "docs" / f"guide{number:03d}.md").write_text(guide(number))
    (root / "README.md").write_text("# Stacks\n\nEach folder is a stack of its own: `cd` "
                                    "into it and run `docker compose up`.\n")
    for i in range(count):
        folder = root / f"stack{i:04d}"
        write_app(folder, DOCKERFILE, MAIN.format(i=i))
        (folder / "compose.yaml").write_text(COMPOSE.format(i=i, published=20000 + i))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    generate_stacks(Path(arguments[0]), int(arguments[1]) if len(arguments) > 1 else 1000,
                    int(arguments[2]) if len(arguments) > 2 else 200)
