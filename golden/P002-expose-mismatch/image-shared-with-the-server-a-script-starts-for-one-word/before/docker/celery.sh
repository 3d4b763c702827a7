#!/bin/bash
if [[ "${1}" == "worker" ]]; then
  exec celery -A app.tasks worker -l INFO
elif [[ "${1}" == "flower" ]]; then
  exec celery -A app.tasks flower
fi
