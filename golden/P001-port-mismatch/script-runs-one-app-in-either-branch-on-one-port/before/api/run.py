import os

import uvicorn

if __name__ == "__main__":
    if os.getenv("DEBUG"):
        uvicorn.run("main:app", host="0.0.0.0", port=int(os.getenv("PORT", "8000")), reload=True)
    else:
        uvicorn.run("main:app", host="0.0.0.0", port=int(os.getenv("PORT", "8000")))
