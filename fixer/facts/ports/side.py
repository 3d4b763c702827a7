"""Which container ports are the app's HTTP port, and which side of a mismatch stays
(P001's `port-source` option; `fixer explain P001`).

Other listeners are never judged: URLs of other schemes (`grpc://`, `amqp://`) and TCP
routes, `ports`/`expose` targets those reach, and, once one `ports`/`expose` target is the
listen port, every other target (a metrics port). A healthcheck's local probe is never
another listener: it probes the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from fixer.facts.ports.claims import ContainerPort

PEERS = ("peer", "proxy", "traefik")   # what other containers and proxies call
DIRECT = ("ports", "expose")


@dataclass(frozen=True)
class Side:
    port: int                        # the port that stays
    evidence: ContainerPort | None   # the peer reference that decided it, if one did


def http_claims(claims: list[ContainerPort], listen: int) -> list[ContainerPort]:
    """The claims that name the app's HTTP port."""
    other = {p.effective for p in claims if not p.http}
    if any(p.effective == listen for p in claims if p.kind in DIRECT):
        other |= {p.effective for p in claims if p.kind in DIRECT and p.effective != listen}
    return [p for p in claims
            if p.http and (p.kind == "healthcheck" or p.effective not in other)]


def choose(source: str, claims: list[ContainerPort], listen: int, port: int) -> Side:
    """The side that stays between the listen port and the one compose port that differs.
    `claims`: http_claims, each at `listen` or at `port`."""
    if source == "dockerfile":
        return Side(listen, None)
    if source == "compose":
        # compose is the truth, unless it already agrees with the app somewhere: then
        # only its odd entries are wrong
        return Side(listen if any(p.effective == listen for p in claims) else port, None)
    return _by_evidence(claims, listen, port)


def _by_evidence(claims: list[ContainerPort], listen: int, port: int) -> Side:
    """`auto`: peers decide when they all call one of the two ports; else the port more
    references name; a tie keeps what compose's `ports`/`expose` say. A healthcheck
    probe is never evidence: it follows the app."""
    peers = [p for p in claims if p.kind in PEERS]
    called = {p.effective for p in peers}
    if len(called) == 1:
        return Side(listen if listen in called else port, peers[0])
    counted = [p for p in claims if p.kind != "healthcheck"]
    on_listen = sum(p.effective == listen for p in counted)
    on_port = len(counted) - on_listen
    if on_port == 0 or on_listen > on_port:
        return Side(listen, None)
    if on_port > on_listen:
        return Side(port, None)
    direct = any(p.effective == listen for p in counted if p.kind in DIRECT)
    return Side(listen if direct else port, None)
