"""Put the code's folder on sys.path for every interpreter of the image."""
import site
from pathlib import Path

root = Path(__file__).resolve().parent.parent
Path(site.getsitepackages()[0], "search.pth").write_text(f"{root}\n")
