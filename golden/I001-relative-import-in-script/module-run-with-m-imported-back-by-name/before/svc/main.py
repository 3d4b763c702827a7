import uvicorn
from fastapi import FastAPI

app = FastAPI()

import routes  # noqa: E402,F401

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
