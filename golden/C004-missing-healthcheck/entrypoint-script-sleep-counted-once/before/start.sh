#!/bin/sh
sleep 6
exec uvicorn --host 0.0.0.0 app:app
