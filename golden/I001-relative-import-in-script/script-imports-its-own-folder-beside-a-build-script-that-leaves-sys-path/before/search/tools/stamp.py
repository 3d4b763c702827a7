"""Write the build date into the image."""
import datetime
from pathlib import Path

Path("BUILT").write_text(datetime.date.today().isoformat())
