"""The keys of Compose's schema (compose-spec), as facts: a mapping fixer closes to them
(a service, its `build`, its healthcheck, a `depends_on` entry, a long `ports` entry, the
file's top level) refuses any other key but an `x-` extension, as Compose does. A misspelled
key (`enviroment:`, `Ports:`) would otherwise pass unseen, and the key a rule reads would
be missing."""

from __future__ import annotations

# the top level of a compose file
TOP_LEVEL = frozenset({"version", "name", "include", "services", "networks", "volumes",
                       "secrets", "configs", "models"})
SERVICE_KEYS = frozenset("""
    annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command
    configs container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period
    cpu_rt_runtime cpu_shares cpus cpuset credential_spec depends_on deploy develop
    device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file
    environment expose extends external_links extra_hosts gpus group_add healthcheck
    hostname image init ipc isolation label_file labels links logging mac_address mem_limit
    mem_reservation mem_swappiness memswap_limit models network_mode networks
    oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop
    privileged profiles provider pull_policy pull_refresh_after read_only restart runtime
    scale secrets security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt
    sysctls tmpfs tty ulimits use_api_socket user userns_mode uts volumes volumes_from
    working_dir""".split())
BUILD_KEYS = frozenset("""
    additional_contexts args cache_from cache_to context dockerfile dockerfile_inline
    entitlements extra_hosts isolation labels network no_cache platforms privileged
    provenance pull sbom secrets shm_size ssh tags target ulimits""".split())
HEALTHCHECK_KEYS = frozenset(
    "disable interval retries start_interval start_period test timeout".split())
DEPENDENCY_KEYS = frozenset({"condition", "restart", "required"})
PORT_KEYS = frozenset("app_protocol host_ip mode name protocol published target".split())
