"""The alias registry: names (code names, INN, brand names) resolve to one canonical drug.

Aliases are facts in the log; the registry is rebuilt from them, so merging two names
later rewrites no event: a drug's history is the union of the streams of its names.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import InvalidEvent


class AliasRegistry:
    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        """`pairs` are (name, canonical) in the order recorded; a later pair for the
        same name replaces the earlier one."""
        self._target: dict[str, str] = {}
        for name, canonical in pairs:
            self._target[name] = canonical

    def with_alias(self, name: str, canonical: str) -> AliasRegistry:
        grown = AliasRegistry(self._target.items())
        grown._target[name] = canonical
        return grown

    def resolve(self, name: str) -> str:
        seen = {name}
        while name in self._target:
            name = self._target[name]
            if name in seen:  # refused at append; a forged log must not hang readers
                break
            seen.add(name)
        return name

    def names_of(self, canonical: str) -> list[str]:
        """Every name that resolves to `canonical`, the canonical name first."""
        names = [canonical]
        names += sorted(n for n in self._target if n != canonical and self.resolve(n) == canonical)
        return names

    def check_new(self, name: str, canonical: str) -> str:
        """The canonical a new alias would point at; refuses a cycle."""
        root = self.resolve(canonical)
        if root == name:
            raise InvalidEvent(f"{canonical!r} already resolves to {name!r}; an alias cannot make a cycle")
        return root

    def __contains__(self, name: str) -> bool:
        return name in self._target or name in self._target.values()

    def groups(self) -> dict[str, list[str]]:
        """canonical → its other names, for every name the registry mentions."""
        out: dict[str, list[str]] = {}
        for name in set(self._target) | set(self._target.values()):
            out.setdefault(self.resolve(name), [])
        for name in self._target:
            out[self.resolve(name)].append(name)
        return {k: sorted(v) for k, v in out.items()}
