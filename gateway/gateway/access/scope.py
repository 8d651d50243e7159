"""Area scoping: a caller limited to some areas reaches only records whose own area lies inside them.

Areas are dotted wilayah codes: kabupaten/kota `35.07`, kecamatan `35.07.25`, desa `35.07.25.2001`.
Authorisation is always decided on the record's own area code, as stored by the service that owns
the record, never on an area the caller names in a request.
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass

_CODE = re.compile(r"^\d+(\.\d+)*$")


def is_area_code(code) -> bool:
    return isinstance(code, str) and bool(_CODE.match(code))


def covers(area: str, target: str) -> bool:
    """True when `target` is `area` or lies beneath it, by whole dotted segments (35.7 never covers 35.73)."""
    if not is_area_code(area) or not is_area_code(target):
        return False
    return target == area or target.startswith(area + ".")


def _outermost(codes: Iterable[str]) -> list[str]:
    """The same territory without codes that another one already covers, sorted."""
    unique = set(codes)
    return sorted(code for code in unique if not any(other != code and covers(other, code) for other in unique))


@dataclass(frozen=True)
class Scope:
    areas: frozenset[str] | None  # None: not limited; an empty set reaches nothing

    @property
    def unrestricted(self) -> bool:
        return self.areas is None

    def allows(self, record_area_code: str | None) -> bool:
        """Whether the caller may reach a record whose own area is `record_area_code`."""
        if self.areas is None:
            return True
        return any(covers(area, record_area_code) for area in self.areas)

    def filter_areas(self, requested: list[str] | None) -> list[str] | None:
        """The area filter a list query runs with: the request, narrowed to what the caller may see.

        `requested` None or empty asks for no filter of one's own. In the answer, None means no filter
        (only for an unlimited caller asking for none); an empty list means nothing matches, e.g. a
        request wholly outside the caller's areas.
        """
        if isinstance(requested, str):
            requested = [requested]
        # A request of only malformed codes must still filter (to nothing), never fall back to "all".
        wanted = [code for code in requested or () if is_area_code(code)]
        if self.areas is None:
            return _outermost(wanted) if requested else None
        if not requested:
            return _outermost(code for code in self.areas if is_area_code(code))
        effective = set()
        for asked in wanted:
            for own in self.areas:
                if covers(own, asked):
                    effective.add(asked)  # inside the caller's area: the request narrows
                elif covers(asked, own):
                    effective.add(own)  # wider than the caller's area: cut down to it
        return _outermost(effective)
