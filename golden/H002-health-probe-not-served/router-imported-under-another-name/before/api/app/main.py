from fastapi import FastAPI, APIRouter as Router

router = Router(prefix="/api")


@router.get("/health")
def health():
    return {"status": "ok"}


app = FastAPI()
app.include_router(router)
