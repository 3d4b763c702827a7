#!/bin/sh
set -e
sleep ${STARTUP_DELAY:-30}
exec "$@"
