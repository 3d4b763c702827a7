#!/bin/bash
set -e
TLS_OPTIONS=""
if [ -f /srv/certs/server.crt ]; then
  TLS_OPTIONS="--ssl-certfile /srv/certs/server.crt --ssl-keyfile /srv/certs/server.key"
fi
exec uvicorn main:app --host 0.0.0.0 --port 8000 $TLS_OPTIONS
