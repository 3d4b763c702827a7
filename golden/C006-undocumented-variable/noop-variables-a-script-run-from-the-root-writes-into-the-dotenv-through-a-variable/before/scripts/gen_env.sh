#!/bin/bash

ENV_FILE=".env"

read -p "Server name (empty for localhost): " SERVER_NAME
rm -f "$ENV_FILE"
if [ -z "$SERVER_NAME" ]; then
  echo "DEV=true" >> $ENV_FILE
  echo "SERVER_NAME=localhost" >> $ENV_FILE
else
  echo "DEV=false" >> "$ENV_FILE"
  echo "SERVER_NAME=$SERVER_NAME" >> "${ENV_FILE}"
fi
