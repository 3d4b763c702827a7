"""`fixer probe --emit sh`: the same checks as a POSIX shell script that needs only curl,
for images and CI runners without fixer."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from fixer.app.probe.plan import DEFAULT_HOST, Target

# Each probe retries until a 2xx answer or the shared deadline, as `fixer probe --wait` does.
_HEAD = """\
#!/bin/sh
# The health routes of the stack {stack}, called from the host.
# Written by `fixer probe --emit sh`; needs curl.
# Usage: sh {script} [TIMEOUT_SECONDS]   (PROBE_HOST overrides the host to call)
# Exit 0 when every service answers 2xx before the timeout, 1 when one does not.
set -u
timeout=${{1:-{timeout}}}
deadline=$(( $(date +%s) + timeout ))
failed=0

probe() {{
  # probe SERVICE URL: GET the URL until it answers 2xx or the deadline passes
  while :; do
    started=$(date +%s)
    status=$(curl --noproxy '*' -s -o /dev/null -w '%{{http_code}}' --max-time 5 "$2") \\
      || status=000
    case $status in
      2??) echo "$1 $2 $status healthy"; return 0 ;;
    esac
    if [ "$started" -ge "$deadline" ]; then
      if [ "$status" = 000 ]; then echo "$1 $2 - down"; else echo "$1 $2 $status unhealthy"; fi
      return 1
    fi
    sleep 1
  done
}}

"""


def shell_script(stack: str, targets: Sequence[Target], timeout: float,
                 host: str | None = None, script: str = "probe.sh") -> str:
    """The script: one `probe` call per reachable service, a comment per other one;
    `host` (checked by the caller: a name or an address) is the default PROBE_HOST."""
    head = _HEAD.format(stack=stack, script=script, timeout=max(1, round(timeout)))
    body = [_call(t, host) if t.reachable else _comment(t) for t in targets]
    return head + "\n".join(body) + '\nexit "$failed"\n'


def _call(target: Target, host: str | None) -> str:
    default = f'"${{PROBE_HOST:-{host or target.bind or DEFAULT_HOST}}}"'
    url = f"http://{default}:{target.port}{shlex.quote(target.path)}"
    return f"probe {shlex.quote(target.service)} {url} || failed=1"


def _comment(target: Target) -> str:
    reason = " ".join(target.reason.split())  # one comment line, whatever the reason holds
    return f"# {target.service}: not reachable from the host: {reason}"
