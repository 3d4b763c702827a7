#!/bin/bash
pushd src
exec uvicorn main:app --host 0.0.0.0 --port 8000
