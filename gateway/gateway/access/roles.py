"""The role book: which permissions each role grants and whether it is limited to the user's areas."""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

ALL = "*"
_PERMISSION = re.compile(r"^[a-z_]+:[a-z_]+$")
_ROLE = re.compile(r"^[a-z][a-z0-9_]*$")


class RoleBookError(ValueError):
    """The roles file is not usable; raised at load time so a bad deployment fails at start."""


class UnknownRole(KeyError):
    pass


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    area_scoped: bool
    permissions: frozenset[str]


class RoleBook:
    def __init__(self, permissions: frozenset[str], roles: dict[str, Role]):
        self.permissions = permissions
        self.roles = roles

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RoleBook":
        """The packaged roles.yml, or the file at `path` (ROLES_FILE) when a deployment has its own."""
        if path is None:
            text = resources.files(__package__).joinpath("roles.yml").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_data(yaml.safe_load(text))

    @classmethod
    def from_data(cls, data) -> "RoleBook":
        if not isinstance(data, dict) or not isinstance(data.get("permissions"), list) \
                or not isinstance(data.get("roles"), dict) or not data["roles"]:
            raise RoleBookError("roles file needs a 'permissions' list and a non-empty 'roles' mapping")
        bad = [p for p in data["permissions"] if not isinstance(p, str) or not _PERMISSION.match(p)]
        if bad:
            raise RoleBookError(f"permissions must look like 'resource:action': {bad}")
        declared = frozenset(data["permissions"])
        return cls(declared, {name: _role(name, spec, declared) for name, spec in data["roles"].items()})

    def role(self, name: str) -> Role:
        try:
            return self.roles[name]
        except (KeyError, TypeError):
            raise UnknownRole(name) from None

    def permissions_of(self, roles: Iterable[str]) -> frozenset[str]:
        granted = frozenset()
        for name in roles:
            granted |= self.role(name).permissions
        return granted

    def allows(self, roles: Iterable[str], permission: str) -> bool:
        return permission in self.permissions_of(roles)

    def is_area_scoped(self, roles: Iterable[str]) -> bool:
        """Whether the holder of these roles is limited to their areas.

        An unlimited role lifts the limit only when the unlimited roles grant everything the limited
        ones grant. Otherwise forum_viewer (unlimited because it sees no personal data) added to
        ngo_staff would open every area's personal records; keeping the limit is the safe side.
        """
        found = [self.role(name) for name in roles]
        unscoped = [role for role in found if not role.area_scoped]
        if not unscoped:
            return True
        wide = frozenset().union(*(role.permissions for role in unscoped))
        narrow = frozenset().union(*(role.permissions for role in found if role.area_scoped))
        return not narrow <= wide


def _role(name, spec, declared: frozenset[str]) -> Role:
    if not isinstance(name, str) or not _ROLE.match(name):
        raise RoleBookError(f"role name {name!r} must be lower_snake_case")
    if not isinstance(spec, dict):
        raise RoleBookError(f"role {name}: expected a mapping")
    # No default: whether a role is limited to areas is a decision someone must write down.
    if not isinstance(spec.get("area_scoped"), bool):
        raise RoleBookError(f"role {name}: area_scoped must be true or false")
    listed = spec.get("permissions")
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        raise RoleBookError(f"role {name}: permissions must be a list of names")
    granted = declared if ALL in listed else frozenset(listed)
    undeclared = granted - declared
    if undeclared:
        raise RoleBookError(f"role {name} grants undeclared permissions: {sorted(undeclared)}")
    return Role(name, str(spec.get("description", "")), spec["area_scoped"], granted)
