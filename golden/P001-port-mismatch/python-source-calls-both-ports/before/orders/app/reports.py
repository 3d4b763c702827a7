import httpx


def fetch_report(user_id: int) -> dict:
    return httpx.get(f"http://users:8000/users/{user_id}/report").json()
