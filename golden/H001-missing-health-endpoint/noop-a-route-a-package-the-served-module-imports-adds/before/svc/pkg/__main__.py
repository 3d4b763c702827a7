import uvicorn

from pkg.app import app
from pkg import endpoints


def main():
    uvicorn.run("pkg.__main__:app", host="0.0.0.0", port=5100)


__all__ = ["app", "endpoints", "main"]
if __name__ == "__main__":
    main()
