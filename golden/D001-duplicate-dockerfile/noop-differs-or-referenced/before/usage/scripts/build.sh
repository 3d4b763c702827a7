#!/bin/sh
docker build -f ../app/Dockerfile ..
