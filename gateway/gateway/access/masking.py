"""What a caller may see of a person record, by permission. One table of rules, applied in one place.

The disability `categories` list is never hidden from someone who may read the record: registry
roles plan pokja, training venues and UEP/KUBE cases by category, and statistics are built from it.
It says which kind of disability, not a diagnosis. What is said about a person's health in detail
(limitations, devices, diagnosis, notes) is for roles that need it (UU 27/2022: data kesehatan is
specific personal data).
"""
import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Not a role permission: granted by `show_contact` together with persons:read.
CONTACT = "contact"
NUMBER_STARS = "*" * 12
PHONE_STARS = "*" * 7


def mask_id_number(value: str) -> str:
    """NIK and KK: the first four digits (province and regency) stay; a fixed run of stars hides the rest."""
    return (value[:4] if len(value) > 4 else "") + NUMBER_STARS


def mask_phone(value: str) -> str:
    """+62 and the last three digits stay, enough to recognise one's own number and no more."""
    prefix = "+62" if value.startswith("+62") else ""
    return prefix + PHONE_STARS + (value[-3:] if len(value) - len(prefix) > 6 else "")


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    return (local[:1] + "***@" + domain) if at else "***"


@dataclass(frozen=True)
class Rule:
    path: tuple[str, ...]
    lifted_by: str
    hide: Callable[[str], str] | None  # None: the field is removed


_HEALTH = "persons:read_health"
RULES = (
    Rule(("nik",), "persons:read_nik", mask_id_number),
    Rule(("kk",), "persons:read_nik", mask_id_number),
    # Removed, not emptied: an empty list would claim the person has no limitations.
    Rule(("disability", "functional_limitations"), _HEALTH, None),
    Rule(("disability", "assistive_devices"), _HEALTH, None),
    Rule(("disability", "diagnosis"), _HEALTH, None),
    Rule(("disability", "notes_health"), _HEALTH, None),
    Rule(("phone",), CONTACT, mask_phone),
    Rule(("email",), CONTACT, mask_email),
    Rule(("guardian", "phone"), CONTACT, mask_phone),
)


def mask_person(person: dict, permissions: Iterable[str], show_contact: bool = False) -> dict:
    """A copy of `person` with what the permissions do not cover hidden; the input is not changed.

    `show_contact` is the caller's decision that contact data may be shown (the gateway grants it
    with persons:read_contact on a record inside the caller's reach); it counts only with persons:read.
    """
    granted = set(permissions)
    if show_contact and "persons:read" in granted:
        granted.add(CONTACT)
    masked = dict(person)  # shallow: _apply copies each nested dict it changes, never the input's
    for rule in RULES:
        if rule.lifted_by not in granted:
            _apply(masked, rule)
    return masked


def _apply(record: dict, rule: Rule) -> None:
    """Hide one field of `record` (a copy of its top level), copying the nested dicts on the way down
    before changing them: a deep copy of every record cost a tenth of a list page."""
    *parents, field = rule.path
    holder: Any = record
    for name in parents:
        holder = holder.get(name) if isinstance(holder, dict) else None
    if not isinstance(holder, dict) or field not in holder:
        return
    if rule.hide is not None and not holder[field]:
        return
    holder = record
    for name in parents:  # copy-on-write along the path
        holder[name] = dict(holder[name])
        holder = holder[name]
    if rule.hide is None:
        del holder[field]
    else:
        holder[field] = rule.hide(str(holder[field]))


def mask_changes(changes: dict, permissions: Iterable[str], show_contact: bool = False) -> dict:
    """A history entry's {field: [old, new]} under the same rules as the record itself.

    Fields are named by dotted paths (`guardian.phone`); a value may also be a whole nested object
    (`guardian`: {...}), which is masked as the record would be.
    """
    granted = set(permissions)
    if show_contact and "persons:read" in granted:
        granted.add(CONTACT)
    hidden = [rule for rule in RULES if rule.lifted_by not in granted]
    masked = {}
    for field, values in changes.items():
        path = tuple(field.split("."))
        exact = next((rule for rule in hidden if rule.path == path), None)
        if exact is not None and exact.hide is None:
            continue  # removed, as from the record
        shown = []
        for value in values:
            if exact is not None and value:
                value = exact.hide(str(value))
            elif isinstance(value, dict):
                value = _mask_nested(path, value, hidden)
            shown.append(value)
        masked[field] = shown
    return masked


def _mask_nested(path: tuple[str, ...], value: dict, hidden) -> dict:
    wrapper: dict = {}
    holder = wrapper
    for name in path[:-1]:
        holder = holder.setdefault(name, {})
    holder[path[-1]] = copy.deepcopy(value)
    for rule in hidden:
        _apply(wrapper, rule)
    for name in path:
        wrapper = wrapper[name]
    return wrapper
