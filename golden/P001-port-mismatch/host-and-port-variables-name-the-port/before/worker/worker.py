import os, httpx
url = f"http://{os.environ['API_HOST']}:{os.environ['API_PORT']}/items"
print(httpx.get(url).json())
