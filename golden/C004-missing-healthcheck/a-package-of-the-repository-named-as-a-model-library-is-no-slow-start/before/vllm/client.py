import httpx


class Client:
    def ping(self) -> bool:
        return httpx.get("http://backend:8000/health").is_success
