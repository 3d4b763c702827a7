#!/bin/sh
exec uvicorn svc.web.main:app --host 0.0.0.0 --port 8080
