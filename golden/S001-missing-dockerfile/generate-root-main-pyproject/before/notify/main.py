from fastapi import FastAPI

application = FastAPI(title="notify")
