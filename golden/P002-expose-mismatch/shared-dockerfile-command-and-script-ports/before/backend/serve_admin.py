"""Start the internal admin panel."""

import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.admin:app", host="0.0.0.0", port=8001, proxy_headers=True)
