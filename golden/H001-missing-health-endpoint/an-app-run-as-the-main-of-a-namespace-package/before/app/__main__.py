import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="translator")


class Text(BaseModel):
    text: str


@app.post("/translate")
async def translate(body: Text) -> dict[str, str]:
    return {"text": body.text[::-1]}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
