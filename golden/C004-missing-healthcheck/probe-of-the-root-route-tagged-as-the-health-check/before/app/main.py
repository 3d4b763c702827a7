from fastapi import FastAPI

app = FastAPI()


@app.get("/", tags=["Health"], summary="Health Check")
async def root():
    """Health check endpoint"""
    return {"success": True}
