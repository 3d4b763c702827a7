#!/bin/sh
set -e
go() {
  cd src
}
exec uvicorn main:app --host 0.0.0.0 --port 8000
