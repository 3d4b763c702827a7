import subprocess
from pathlib import Path

dev = Path(".env.development")
if not dev.exists():
    dev.write_text("LOG_LEVEL=info\n")
subprocess.run(["docker", "compose", "--env-file", ".env.development", "up", "-d", "--build"], check=True)
