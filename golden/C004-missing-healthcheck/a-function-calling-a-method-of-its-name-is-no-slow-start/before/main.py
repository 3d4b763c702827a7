from fastapi import FastAPI

app = FastAPI()


class Store:
    def download_file(self, key: str) -> str:
        return key


def download_file(key: str) -> str:
    return Store().download_file(key)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/files/{key}")
def get_file(key: str):
    return download_file(key)
