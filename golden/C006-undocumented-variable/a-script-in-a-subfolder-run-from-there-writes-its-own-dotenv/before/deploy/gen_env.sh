#!/bin/bash
# writes deploy/.env for the deploy tooling: run it from this folder
ENV_FILE=".env"
echo "DEV=false" > $ENV_FILE
echo "SERVER_NAME=example.org" >> $ENV_FILE
