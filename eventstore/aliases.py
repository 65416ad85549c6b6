"""The alias registry: names (code names, INN, brand names) resolve to one canonical drug.

Aliases are facts in the log; the registry is rebuilt from them, so merging two names
later rewrites no event: a drug's history is the union of the streams of its names.
Names compare without regard to case: `Keytruda`, `KEYTRUDA` and `keytruda` are one name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .errors import InvalidEvent, UnknownDrug


def name_key(name: str) -> str:
    """The identity of a drug name: case-folded."""
    return name.casefold()


SUGGESTIONS = 3  # how many close names an error offers


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """' (did you mean X or Y?)' for the names closest to a mistyped one, else ''."""
    by_key = {name_key(n): n for n in names}
    close = difflib.get_close_matches(name_key(name), list(by_key), n=SUGGESTIONS, cutoff=0.75)
    return f" (did you mean {' or '.join(by_key[k] for k in close)}?)" if close else ""


def unknown_drug(drug: str, known: Iterable[str] = ()) -> UnknownDrug:
    return UnknownDrug(
        f"unknown drug {drug!r}{did_you_mean(drug, known)}: the store has no event or alias for it "
        f"(see `milestones drugs`)"
    )


class AliasRegistry:
    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        """`pairs` are (name, canonical) in the order recorded; a later pair for the
        same name replaces the earlier one."""
        self._target: dict[str, tuple[str, str]] = {}  # key of a name → (name, canonical)
        for name, canonical in pairs:
            self._target[name_key(name)] = (name, canonical)

    def with_alias(self, name: str, canonical: str) -> AliasRegistry:
        grown = AliasRegistry(self._target.values())
        grown._target[name_key(name)] = (name, canonical)
        return grown

    def resolve(self, name: str) -> str:
        seen = {name_key(name)}
        while name_key(name) in self._target:
            name = self._target[name_key(name)][1]
            if name_key(name) in seen:  # refused at append; a forged log must not hang readers
                break
            seen.add(name_key(name))
        return name

    def names_of(self, canonical: str) -> list[str]:
        """Every name that resolves to `canonical`, the canonical name first."""
        key = name_key(canonical)
        return [canonical] + sorted(
            name for k, (name, _) in self._target.items() if k != key and name_key(self.resolve(name)) == key
        )

    def check_new(self, name: str, canonical: str) -> str:
        """The canonical a new alias would point at; refuses a cycle."""
        root = self.resolve(canonical)
        if name_key(root) == name_key(name):
            raise InvalidEvent(f"{canonical!r} already resolves to {name!r}; an alias cannot make a cycle")
        return root

    def __contains__(self, name: str) -> bool:
        key = name_key(name)
        return key in self._target or any(name_key(c) == key for _, c in self._target.values())

    def groups(self) -> dict[str, list[str]]:
        """canonical → its other names, for every name the registry mentions."""
        out: dict[str, list[str]] = {}
        for name, canonical in self._target.values():
            out.setdefault(self.resolve(canonical), []).append(name)
        return {k: sorted(v, key=str.casefold) for k, v in out.items()}
