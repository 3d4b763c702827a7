import os
import urllib.request

LLM_URL = os.environ.get("LLM_URL", "http://localhost:4000/v1/embeddings")
print(urllib.request.urlopen(LLM_URL).read())
