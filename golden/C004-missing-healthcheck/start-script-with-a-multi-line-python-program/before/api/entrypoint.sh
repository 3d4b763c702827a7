#!/bin/bash
set -e
python3 -c "
import sqlite3
conn = sqlite3.connect('/tmp/x.db')
conn.close()
"
cat <<MOTD > /tmp/motd
if ready()
MOTD
cd /app
exec uvicorn app.main:app --host 0.0.0.0 --port 8000
