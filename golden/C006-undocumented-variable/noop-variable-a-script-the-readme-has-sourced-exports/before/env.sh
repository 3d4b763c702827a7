export CURRENT_UID="$(id -u):$(id -g)"
