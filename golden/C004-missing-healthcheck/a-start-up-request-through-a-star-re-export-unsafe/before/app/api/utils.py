import httpx


def fetch_rates():
    return httpx.get("https://rates.example.org/today").text
