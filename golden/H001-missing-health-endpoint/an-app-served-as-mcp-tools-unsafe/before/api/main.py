from fastapi import FastAPI
from fastapi_mcp import FastApiMCP

app = FastAPI()


@app.get("/items/{item_id}", operation_id="get_item")
async def get_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


mcp = FastApiMCP(app)
mcp.mount_http()
