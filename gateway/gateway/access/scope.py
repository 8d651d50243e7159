"""Area scoping: a caller limited to some areas sees only records whose own area lies inside them."""
from dataclasses import dataclass


def covers(area: str, target: str) -> bool:
    """True when `target` is `area` or lies beneath it, by whole dotted segments (35.7 never covers 35.73)."""
    if not area or not target:
        return False
    return target == area or target.startswith(area + ".")


@dataclass(frozen=True)
class Scope:
    areas: frozenset[str] | None  # None: not limited

    def allows(self, record_area: str | None) -> bool:
        if self.areas is None:
            return True
        return bool(record_area) and any(covers(area, record_area) for area in self.areas)

    def filter_areas(self, requested: list[str] | None) -> list[str] | None:
        """The area filter a list query runs with: the request, narrowed to what the caller may see.

        None means no filter; an empty list means nothing (a request wholly outside the caller's areas).
        """
        if self.areas is None:
            return sorted(set(requested)) if requested else None
        if not requested:
            return sorted(self.areas)
        effective = set()
        for wanted in requested:
            for own in self.areas:
                if covers(own, wanted):
                    effective.add(wanted)  # narrower than the caller's area
                elif covers(wanted, own):
                    effective.add(own)  # wider: cut down to the caller's area
        return sorted(effective)
