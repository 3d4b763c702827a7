#!/bin/sh
if [ "$DEBUG" = "debugpy" ]
then
  pip install debugpy -t /tmp
  python /tmp/debugpy --listen 0.0.0.0:5678 -m uvicorn app.main:app --host 0.0.0.0 --port 8000 --reload
elif [ "$DEBUG" = "pdb" ]
then
  uvicorn app.main:app --host=0.0.0.0 --reload
else
  uvicorn app.main:app --host=0.0.0.0
fi
