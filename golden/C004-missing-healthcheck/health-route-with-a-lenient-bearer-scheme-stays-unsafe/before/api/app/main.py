from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

bearer_scheme = HTTPBearer(auto_error=False)


def auth_dependency(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
) -> str:
    """Check the caller's token."""
    return credentials.credentials if credentials is not None else "anonymous"


app = FastAPI()


@app.get("/health", dependencies=[Depends(auth_dependency)])
async def health() -> dict[str, str]:
    return {"status": "ok"}
