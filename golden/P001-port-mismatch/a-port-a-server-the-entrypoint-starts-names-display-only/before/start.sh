#!/bin/sh
set -e
# the replica pulls uploads over ssh
echo "Port 2200" > /etc/ssh/sshd_config.d/replica.conf
/usr/sbin/sshd
exec "$@"
