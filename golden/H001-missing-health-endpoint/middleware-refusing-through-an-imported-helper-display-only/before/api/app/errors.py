from fastapi.responses import JSONResponse


def forbidden():
    return JSONResponse({"detail": "forbidden"}, status_code=403)
