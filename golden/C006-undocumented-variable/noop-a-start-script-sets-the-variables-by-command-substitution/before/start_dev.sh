#!/bin/bash
SCRIPT_DIR="$( cd "$( dirname "${BASH_SOURCE[0]}" )" && pwd )"
CURRENT_UID=$(id -u) CURRENT_GID=`id -g` docker-compose -f $SCRIPT_DIR/docker-compose-dev.yml up
