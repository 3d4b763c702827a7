import uvicorn
from fastapi import FastAPI

from platform_apps.errors import install_error_handlers

app = FastAPI(title="billing")
install_error_handlers(app)


@app.get("/invoices")
async def invoices():
    return []


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
