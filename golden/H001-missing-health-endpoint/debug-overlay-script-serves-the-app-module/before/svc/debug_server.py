import debugpy
import uvicorn

debugpy.listen(("0.0.0.0", 5678))

if __name__ == "__main__":
    uvicorn.run("app.main:app", host="0.0.0.0", port=8000, reload=True)
