"""What a caller may see of a person record, by permission. One table of rules, applied in one place."""
import copy

HEALTH_FIELDS = ("functional_limitations", "assistive_devices", "diagnosis")


def mask_number(value: str | None) -> str | None:
    """NIK and KK: the first four digits (the regency) stay, the rest is hidden."""
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 4)


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "*" * max(0, len(value) - 6) + value[-3:]


def mask_email(value: str | None) -> str | None:
    if not value or "@" not in value:
        return value
    local, _, domain = value.partition("@")
    return local[:1] + "***@" + domain


# (permission that lifts the rule, how the record changes without it)
RULES = (
    ("persons:read_nik", lambda p: p.update(nik=mask_number(p.get("nik")), kk=mask_number(p.get("kk")))),
    # Categories stay for everyone who reads persons: they are needed to plan training and funding,
    # and statistics are built from them. The details of a person's health are not.
    ("persons:read_health", lambda p: p.get("disability") and p["disability"].update(
        {name: None if name == "diagnosis" else [] for name in HEALTH_FIELDS})),
    ("persons:read_contact", lambda p: (
        p.update(phone=mask_phone(p.get("phone")), email=mask_email(p.get("email"))),
        p.get("guardian") and p["guardian"].update(phone=mask_phone(p["guardian"].get("phone"))))),
)


def mask_person(person: dict, permissions, show_contact: bool | None = None) -> dict:
    """A copy of `person` with what the permissions do not cover hidden; the input is not changed."""
    masked = copy.deepcopy(person)
    granted = set(permissions)
    if show_contact is not None:
        granted = granted | {"persons:read_contact"} if show_contact else granted - {"persons:read_contact"}
    for permission, hide in RULES:
        if permission not in granted:
            hide(masked)
    return masked


# History holds old and new values under dotted field names; the same permissions decide what shows.
CHANGE_RULES = {
    "nik": ("persons:read_nik", mask_number),
    "kk": ("persons:read_nik", mask_number),
    "phone": ("persons:read_contact", mask_phone),
    "email": ("persons:read_contact", mask_email),
    "guardian.phone": ("persons:read_contact", mask_phone),
    "disability.diagnosis": ("persons:read_health", lambda value: None),
    "disability.functional_limitations": ("persons:read_health", lambda value: None),
    "disability.assistive_devices": ("persons:read_health", lambda value: None),
}


def mask_changes(changes: dict, permissions) -> dict:
    """A history entry's {field: [old, new]} with what the permissions do not cover hidden."""
    granted = set(permissions)
    masked = {}
    for field, values in changes.items():
        permission, hide = CHANGE_RULES.get(field, (None, None))
        if permission is None or permission in granted:
            masked[field] = values
        else:
            masked[field] = [hide(value) if isinstance(value, str) else None for value in values]
    return masked
