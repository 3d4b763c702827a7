#!/bin/sh
set -e
exec python -u serve.py
