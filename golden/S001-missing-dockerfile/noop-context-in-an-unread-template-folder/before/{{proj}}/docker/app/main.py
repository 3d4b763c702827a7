from fastapi import FastAPI

app = FastAPI(title="{{ project_name }}")
