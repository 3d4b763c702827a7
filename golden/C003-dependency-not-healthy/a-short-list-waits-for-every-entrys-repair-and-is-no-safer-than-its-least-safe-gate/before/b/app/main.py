from collections.abc import Iterator

from fastapi import Depends, FastAPI

app = FastAPI()


def get_db() -> Iterator[None]:
    yield None


@app.get("/health")
def health(db: None = Depends(get_db)) -> dict[str, bool]:
    return {"ok": True}
