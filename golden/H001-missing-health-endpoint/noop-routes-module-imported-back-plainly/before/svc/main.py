from fastapi import FastAPI

app = FastAPI()

import routes  # noqa: E402,F401
