"""The conditions a short `depends_on` list gets when a fix turns it into the long form.

Setting one entry's condition writes every entry of a short list out (`fixer.model.depends`), and
from then on each reads as the author's choice: C003 never overrides an explicit condition.
An entry written `service_started` today is therefore never gated, even when a later fix of
the same run gives its service a healthcheck. So the list is converted once, with every
entry right, and waits while one of them cannot be decided yet:
- `service_healthy` when the entry's healthcheck can pass (the stack check holds), or the
  fix itself gives a database its image's probe; in doubt (the stack check cannot tell, or
  the database's probe is one C005's own fix offers as unsafe), still `service_healthy`,
  and the fix is unsafe with the reason: a fix is no safer than the least safe gate it
  writes;
- `service_started`, what the short form meant, when the service has no healthcheck and no
  rule will give it one, when its healthcheck calls the owner or a service that starts
  only after it (a gate there is a cycle), when it is no service of the stack (C002), for
  every entry of an image's service (a proxy or prometheus: C003 leaves its wiring to its
  author), when another file of the stack writes the entry with a condition that is the
  author's choice for it (Compose merges entries by name: `decided_elsewhere`), where the
  user turned C003 off (not run, `per-service-ignores`, or a `# fixer:
  ignore[C003]` comment on the entry's line): gating it would be C003's change, and for a
  database C005 would probe whose entry has a `# fixer: ignore[C005]` comment (its owner is
  not to wait for it);
- the whole conversion waits (the finding is display-only with the reason) while an entry
  is an app service with no healthcheck that C004 may add (not one whose listen port is
  unknown, or whose compose healthcheck sets only timings), a database C005 will probe
  (for the fixes that do not probe it themselves: C001, C003), or a service whose
  healthcheck cannot pass yet (D003, P001 or H002 may repair it). The finding `follows`
  those rules' findings (`Wait`): the check counts it as waiting only while each is there
  with a safe fix, or waits in turn (engine/gates.py); a healthcheck no rule repairs (a
  `redis-cli ping` on a moved port) is a person's job from the start;
- no conversion at all (display-only with the reason) in a file a build script deploys with
  `docker stack deploy`: Swarm's schema takes `depends_on` only as a list, and a long form
  (or a new `depends_on` mapping) stops that deploy (`fixer.facts.image.swarmstack`);
- no conversion at all (display-only with the reason) when such an app service has
  `extends:`: its healthcheck may come from the service it extends, which fixer does not
  read, and C004 never adds one there, so a wait for it would never end.
Rules that convert lists run after the rules that add or repair healthchecks (FIX_ORDER),
so in `fixer fix` a waiting list is converted once those fixes are in.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import yaml

from fixer import stackcheck
from fixer.core.derived import Memo
from fixer.core.envfile import parse_env
from fixer.core.wording import names
from fixer.facts.database.elsewhere import called_elsewhere, outside_doubt
from fixer.facts.database.images import family
from fixer.facts.database.unchecked import Unchecked, password_names, probe_doubt, will_probe
from fixer.facts.envvars.documented import environment_doubt
from fixer.facts.envvars.examples import examples
from fixer.facts.image.swarmstack import list_only
from fixer.facts.health.cycles import health_cycle
from fixer.facts.health.healthchecks import (
    Health,
    borrowed_healthcheck,
    cannot_add,
    health,
    healthcheck_elsewhere,
    slow_first_probe,
)
from fixer.model.appservice import is_app_service
from fixer.model.depends import (
    HEALTHY,
    STARTED,
    decided_elsewhere,
    dependencies,
    entry_line,
    target_of,
)
from fixer.model.optout import commented, ignored, turned_off
from fixer.model.rule import Violation
from fixer.model.services import Service, given_in_environment
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, Value, elements, get, scalar


# (rule code, service): a finding whose fix a waiting list follows (Violation.follows)
Key = tuple[str, str]


@dataclass(frozen=True)
class Wait:
    """Why a list must stay as it is for now, and the findings whose fixes decide its
    entries; `by_hand`: an entry no rule's fix decides (a healthcheck none repairs)."""

    reason: str
    follows: tuple[Key, ...] = ()
    by_hand: bool = False
    then: str = ""   # what fixer cannot tell of the gate once those fixes are in
    # the fixes it follows are those the C003 fix this one reveals needs first, not this
    # one (`of_c003`): it is made after them, but does not rely on them
    for_c003: bool = False

    def after(self, prefix: str) -> Wait:
        """The same wait, its reason said of a list (`the depends_on of api `)."""
        return replace(self, reason=prefix + self.reason)

    def of_fix(self, owner: str) -> Wait:
        """Said of a list the fix itself writes out in long form."""
        return self.after(f"writing the depends_on of {owner} in long form ")

    def of_c003(self, owner: str, dependency: str) -> Wait:
        """Said of a list the fix leaves as it is and C003 writes out in long form once
        `dependency` has its healthcheck."""
        return replace(self.after(f"once {dependency} has a healthcheck, C003 writes the "
                                  f"depends_on of {owner} in long form, and that "),
                       for_c003=True)

    @staticmethod
    def joined(waits: Sequence[Wait]) -> Wait | None:
        """All the waits as one: the list is converted once every entry of each can be;
        the reason is the first one's, unless a later one waits for a person and it does
        not. One pass, not a pairwise fold: a database may have a thousand users."""
        if not waits:
            return None
        first = next((wait for wait in waits if wait.by_hand), waits[0])
        return Wait(first.reason,
                    tuple(dict.fromkeys(key for wait in waits for key in wait.follows)),
                    first.by_hand, next((wait.then for wait in waits if wait.then), ""),
                    all(wait.for_c003 for wait in waits))

    def on(self, violation: Violation) -> Violation:
        """The finding, display-only while it waits: for the fixes it follows (the check
        judges them, engine/gates.py), or for a person."""
        return replace(violation, reason=self.reason, follows=self.follows,
                       waits=not self.by_hand, blocked=self.by_hand, then_doubt=self.then,
                       follows_for_order=self.for_c003)


@dataclass(frozen=True)
class ListPlan:
    """What to write: a condition for every entry the edit writes out (`set_conditions`'s
    `wanted`), and why the conversion should wait (an entry that waits is written
    `service_started` here, for a caller that converts all the same)."""

    conditions: dict[str, str]
    waits: Wait | None = None         # why the list must stay as it is for now
    refused: str | None = None        # why it must stay as it is: no fix of the run decides it
    doubt: str | None = None          # why a gate it writes is not shown to pass
    probes: tuple[str, ...] = ()      # databases the fix must give their probe (C005)
    # entries it gates that the fix did not ask for: C003's change, made on the way
    for_c003: tuple[str, ...] = ()

    @property
    def healthy(self) -> list[str]:
        return [name for name, condition in self.conditions.items() if condition == HEALTHY]


@dataclass(frozen=True)
class _Entry:
    condition: str | None = None      # None: the conversion waits
    why: str | None = None            # what it waits for, or why its gate is in doubt
    probed: bool = False              # the fix gives it its probe
    refused: str | None = None        # why no fix can decide it (a person must)
    follows: tuple[Key, ...] = ()     # while it waits: the findings whose fixes decide it
    by_hand: bool = False             # while it waits: no rule's fix decides it
    then: str = ""                    # while it waits: its gate's doubt once they are in


def plan(ws: Workspace, owner: Service, doc: ComposeDoc, definition: Value,
         wanted: Mapping[str, str], probes: bool = False) -> ListPlan:
    """The conditions for the `depends_on` of `owner` in `doc` when the entries of `wanted`
    get theirs. `probes`: the fix (C005) gives the databases C005 would probe their probe
    too, so they can be gated in the same edit."""
    value = get(definition, "depends_on")
    if value is not None and not isinstance(value.node, yaml.SequenceNode):
        return ListPlan(dict(wanted))  # a mapping: setting one entry leaves the others alone
    swarm = list_only(ws, doc.path)   # a mapping written where there was none or a list
    if swarm is not None:
        return ListPlan(dict(wanted), refused=swarm)
    if value is None:
        return ListPlan(dict(wanted))
    listed = [(name, entry_line(doc, definition, e))
              for name, e in ((scalar(e), e) for e in elements(value)) if name]
    conditions: dict[str, str] = {}   # as listed, then the entries the fix adds
    waits: list[Wait] = []
    refused: str | None = None
    doubt: str | None = None
    probed: list[str] = []
    for_c003: list[str] = []
    for name, line in listed:
        entry = _Entry(wanted[name]) if name in wanted else \
            _judge(ws, owner, name, probes, doc, line) if not _decided(owner, doc, name) else \
            _Entry(STARTED)   # another file's condition wins: the same, merged
        conditions[name] = entry.condition or STARTED  # what a fix that does not wait writes
        if entry.refused is not None:
            refused = refused or entry.refused
        elif entry.condition is None:
            waits.append(Wait(f"waits until {entry.why}; the long form now would pin {name} "
                              "to service_started", entry.follows, entry.by_hand, entry.then))
        elif entry.condition == HEALTHY:
            doubt = doubt or entry.why
        probed += [name] if entry.probed else []
        for_c003 += [name] if entry.condition == HEALTHY and not entry.probed and \
            name not in wanted else []
    conditions.update((name, c) for name, c in wanted.items() if name not in conditions)
    return ListPlan(conditions, Wait.joined(waits), refused, doubt, tuple(probed), tuple(for_c003))


def _decided(owner: Service, doc: ComposeDoc, name: str) -> bool:
    """Another file of the stack writes the entry `name` of `doc`'s list with a condition
    that is the author's choice for it (`decided_elsewhere`): the list written out keeps
    what the short form meant, as C003 and C005 leave the entry."""
    return any(d.name == name and d.doc is doc and decided_elsewhere(owner, d) is not None
               for d in dependencies(owner))


def _judge(ws: Workspace, owner: Service, name: str, probes: bool, doc: ComposeDoc,
           line: int) -> _Entry:
    """The condition of an entry the fix does not ask for, written in `doc` at `line`."""
    target = target_of(ws, owner, name)
    if target is None or owner.app is None:
        return _Entry(STARTED)
    state = health(target)
    if state is Health.DISABLED or borrowed_healthcheck(ws, target):
        return _Entry(STARTED)  # deliberately none, or one that never passes there
    c003_off = turned_off(ws, "C003", owner.name, doc.path, line)
    if state is Health.CHECKED:
        # gating it is C003's change: not where the user turned C003 off, nor in a file
        # that also runs without the file that sets the healthcheck
        elsewhere = healthcheck_elsewhere(target, doc)
        cycle = health_cycle(owner, target)   # a gate it calls back into never opens
        if c003_off or elsewhere or cycle:
            return _Entry(STARTED)
        gate = _gate(ws, target, doc)
        return replace(gate, why=gate.why or called_outside(ws, owner, target)) \
            if gate.condition == HEALTHY else gate
    database = will_probe(ws, target)
    if database is not None:
        if no_wait_asked(ws, doc, line):   # not to wait for it, whichever fix converts
            return _Entry(STARTED)
        if probes:   # C005's own change: the probe and its gate, no safer than its own fix
            doubt = database_doubt(ws, database)
            return _Entry(HEALTHY, doubt and its_probe_doubt(name, doubt) or
                          called_outside(ws, owner, target), probed=True)
        return _Entry(why=f"{name} has a healthcheck (C005)", follows=(("C005", name),))
    if is_app_service(ws, target) and cannot_add(target) is None and not c003_off \
            and not _no_healthcheck_asked(ws, target):
        if target.get("extends") is not None:   # C004 leaves it alone: no wait ends
            return _Entry(refused=f"{name} has `extends:`, which fixer does not follow: "
                                  f"whether {owner.name} should wait for it to be healthy "
                                  "is for a person to decide (write the long form by hand)")
        return _Entry(why=f"{name} has a healthcheck (C004)", follows=(("C004", name),))
    return _Entry(STARTED)   # none, and none to come: what the short form meant


def called_outside(ws: Workspace, owner: Service, target: Service) -> str | None:
    """Why a gate of `owner` on the database `target` may hold it back for nothing: its
    URLs of that database's kind all call a server outside the stack (`elsewhere.py`)."""
    kind = family(target.scalar("image") or "")
    call = called_elsewhere(ws, owner, target, kind) if kind is not None else None
    return outside_doubt(target.name, [call]) if call is not None else None


def its_probe_doubt(name: str, doubt: str) -> str:
    """A database's probe doubt, said of it by name in another's fix."""
    return f"{name}'s probe may not pass: {doubt}"


def database_doubt(ws: Workspace, database: Unchecked) -> str | None:
    """Why fixer cannot vouch that a database C005 probes is ever healthy: its probe's own
    doubt, a variable the probe reads that Compose may substitute empty (one it takes from
    the server's command, `--port ${REDIS_PORT}`), or one its `environment` reads (an
    empty `POSTGRES_PASSWORD` stops the server at start-up): each makes a gate on it as
    doubtful as on a database that has that healthcheck already (C003). Judged once per
    workspace: each list entry naming the database asks, and the judgement reads the
    environment of every service that waits for it."""
    key = (database.service.stack.name, database.service.name)
    return ws.derived.keyed(_DATABASE_DOUBTS, key, lambda: _database_doubt(ws, database))


# per workspace: the doubt of each database (stack, service) C005 probes
_DATABASE_DOUBTS: Memo[dict[tuple[str, str], str | None]] = Memo("database doubts")


def _database_doubt(ws: Workspace, database: Unchecked) -> str | None:
    unset = environment_doubt(ws, database.service) or _password_untold(ws, database)
    return probe_doubt(ws, database) or \
        stackcheck.unset_in_probe(ws, database.service, list(database.probe.test)) or (
        unset and f"fixer cannot tell whether {database.service.name} starts: {unset}")


def _password_untold(ws: Workspace, database: Unchecked) -> str | None:
    """Where the database's password can come only from an `env_file` the repository does
    not hold (each deployment's `.env`), and no example file of the repository names it:
    the image stops at its first start without one, and nothing tells a checkout to set
    it. An example that names it tells."""
    needs = password_names(database)
    service = database.service
    if not needs or service.app is not None or service.entrypoint() is not None:
        return None
    missing = [p for p in service.env_files() if not ws.tree.exists(p)]
    if not missing or given_in_environment(service, ws.tree) & set(needs):
        return None
    valued = {name for path in missing
              for example in examples(ws, posixpath.dirname(path), set())
              for name, value in _example_values(ws, example).items() if value}
    if valued & set(needs):
        return None
    return (f"its password ({needs[0]}) can come only from {missing[0]}, which the "
            "repository does not hold, and no example file gives it a value")


def _example_values(ws: Workspace, path: str) -> dict[str, str]:
    file = ws.read(path)
    return parse_env(file.text) if file is not None else {}


def _no_healthcheck_asked(ws: Workspace, target: Service) -> bool:
    """The user said no to C004 for the service (`# fixer: ignore[C004]` at its key, an
    `ignore` of the configuration): no healthcheck is to come, so nothing is to wait for."""
    doc, key = target.key()
    return ignored(ws, "C004", target.name, doc.path, doc.line(key))


def no_wait_asked(ws: Workspace, doc: ComposeDoc, line: int) -> bool:
    """A `# fixer: ignore[C005]` comment on the entry at `line` of `doc`: its owner is not
    to wait for that database. C005's fix leaves the entry alone (a part of its finding,
    `Violation.parts`), and a list another fix converts keeps it `service_started`, as C003
    turned off there does."""
    return commented(ws, "C005", doc.path, line)


def _gate(ws: Workspace, target: Service, doc: ComposeDoc) -> _Entry:
    verdict, why = stackcheck.can_pass_in(ws, target, doc)   # the gate is written in `doc`
    if verdict is stackcheck.Verdict.HOLDS:
        return _Entry(HEALTHY, slow_first_probe(target))   # passes, maybe minutes late
    if verdict is stackcheck.Verdict.UNKNOWN:
        return _Entry(HEALTHY, why)
    detail = why.split(": ", 1)[-1]  # "auth's healthcheck cannot pass: it runs curl, ..."
    repairs = stackcheck.repaired_by(ws, target, doc)
    if not repairs:   # a person repairs it
        return _Entry(why=f"{target.name}'s healthcheck can pass (today {detail}, which no "
                          "fix of fixer repairs)", by_hand=True)
    return _Entry(why=f"{target.name}'s healthcheck can pass (today {detail})",
                  follows=tuple((code, target.name) for code in repairs),
                  then=stackcheck.doubt_once_repaired(ws, target, doc))


def c003_on_the_way(owners: Sequence[str], gated: Sequence[str]) -> str:
    """What a fix's title adds when writing lists out gates entries as C003 would: the
    commit must say so, since C003's own fix of them then has nothing left to do."""
    if not gated:
        return ""
    waits = "waits" if len(owners) == 1 else "wait"
    return (f"; in long form, the depends_on of {names(sorted(owners), 3)} also {waits} for "
            f"{names(sorted(gated), 3)} to be healthy (C003)")
