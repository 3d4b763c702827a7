#!/bin/bash
set -ex

#sleep 60

exec uvicorn main:app --host=0.0.0.0 --port=7000
