"""YAML anchors that other nodes alias: text inside them is shared, so an edit there
changes every user of the anchor, not just the service a fix is about.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

_START = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


@dataclass(frozen=True)
class AnchorSpan:
    name: str
    start: int
    end: int


def _index(mark: object) -> int:
    """A mark's character offset (the C and Python parsers have different Mark types)."""
    return int(getattr(mark, "index", 0))


def shared_anchors(text: str) -> list[AnchorSpan]:
    """The spans of anchored nodes that are aliased at least once (merge keys included)."""
    spans: list[AnchorSpan] = []
    aliased: set[str] = set()
    open_collections: list[tuple[str | None, int]] = []
    try:
        events = list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return []
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            aliased.add(str(event.anchor))
        elif isinstance(event, _START):
            open_collections.append((event.anchor, _index(event.start_mark)))
        elif isinstance(event, _END):
            name, start = open_collections.pop()
            if name:
                spans.append(AnchorSpan(name, start, _index(event.end_mark)))
        elif isinstance(event, yaml.ScalarEvent) and event.anchor:
            spans.append(AnchorSpan(str(event.anchor), _index(event.start_mark),
                                    _index(event.end_mark)))
    return [s for s in spans if s.name in aliased]


def anchor_at(spans: list[AnchorSpan], start: int, end: int) -> str | None:
    """The shared anchor an edit of text[start:end] would land in, if any."""
    for span in spans:
        if span.start < end and start < span.end or span.start < start < span.end:
            return span.name
    return None


def anchor_around(spans: list[AnchorSpan], start: int, end: int) -> str | None:
    """The shared anchor that holds all of text[start:end] (`api: &api` around a depends_on
    that `api-replica: *api` repeats), if any."""
    for span in spans:
        if span.start <= start and end <= span.end:
            return span.name
    return None
