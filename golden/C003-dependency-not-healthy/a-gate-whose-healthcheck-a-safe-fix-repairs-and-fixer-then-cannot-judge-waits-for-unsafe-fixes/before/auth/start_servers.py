import uvicorn

import app.main

if __name__ == "__main__":
    uvicorn.run(getattr(app.main, "app"), host="0.0.0.0", port=8000)
