from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI(default_response_class=PlainTextResponse)


@app.get("/report.csv")
def report():
    return "id,total\n1,10\n"
