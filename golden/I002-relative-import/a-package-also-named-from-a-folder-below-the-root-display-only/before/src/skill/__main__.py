import uvicorn

from .settings import PORT

uvicorn.run("skill.app:app", port=PORT, reload=True)
