#!/bin/sh
set -e
cd src
exec python serve.py
