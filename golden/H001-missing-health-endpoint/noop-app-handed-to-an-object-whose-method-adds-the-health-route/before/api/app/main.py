from fastapi import FastAPI


class AdminService:
    def __init__(self) -> None:
        self.app: FastAPI | None = None

    def add_routes(self) -> None:
        assert self.app is not None

        @self.app.get("/health")
        async def health() -> dict[str, str]:
            return {"status": "healthy"}


service = AdminService()
app = FastAPI()
service.app = app
service.add_routes()
