"""Order search: the sentence encoder is loaded (and downloaded on first start) at import."""
from sentence_transformers import SentenceTransformer

encoder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
