"""A generated dataset made wrong on purpose: engines must agree on what they report.

`mutate` takes the N-Quads of `chava generate` and, deterministically, removes the French
`rdfs:label` of `removed` resources (a violation of the publication's first language, with
`languages = fr,...`) and strips the language tag of the label of `untagged` other resources
(a violation of the profile's `rdf:langString` rule for labels).
"""

from __future__ import annotations

import re
from typing import Final

LABEL: Final = "<http://www.w3.org/2000/01/rdf-schema#label>"
FRENCH_LABEL: Final = re.compile(
    r"^(\S+) " + re.escape(LABEL) + r' ("(?:[^"\\]|\\.)*")@fr (\S+) \.$'
)


def mutate(nquads: str, *, removed: int = 30, untagged: int = 20, step: int = 97) -> str:
    """*nquads* with *removed* French labels dropped and *untagged* labels made plain.

    Every *step*-th French label is picked, on distinct subjects; the first *removed* go,
    the next *untagged* lose their tag.
    """
    lines = nquads.splitlines()
    picked: list[int] = []
    subjects: set[str] = set()
    for index, line in enumerate(lines):
        match = FRENCH_LABEL.match(line)
        if match and match.group(1) not in subjects:
            subjects.add(match.group(1))
            if len(subjects) % step == 0:
                picked.append(index)
        if len(picked) == removed + untagged:
            break
    if len(picked) < removed + untagged:
        raise ValueError(f"only {len(picked)} French labels to mutate; generate more data")
    for index in picked[removed:]:
        match = FRENCH_LABEL.match(lines[index])
        assert match is not None  # picked above
        lines[index] = f"{match.group(1)} {LABEL} {match.group(2)} {match.group(3)} ."
    drop = set(picked[:removed])
    return "".join(line + "\n" for index, line in enumerate(lines) if index not in drop)
