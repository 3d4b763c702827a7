from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI(
	title="Orders",
	redoc_url=None
)

app.add_middleware(
	CORSMiddleware,
	allow_origins=["*"],
)
