"""The role book: which permissions each role grants and whether it is limited to the user's areas."""
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("roles.yml")


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
        data = yaml.safe_load(Path(path or DEFAULT_FILE).read_text(encoding="utf-8"))
        declared = frozenset(data["permissions"])
        roles = {}
        for name, spec in data["roles"].items():
            granted = frozenset(spec.get("permissions", []))
            if "*" in granted:
                granted = declared
            unknown = granted - declared
            if unknown:
                raise ValueError(f"role {name} grants undeclared permissions: {sorted(unknown)}")
            roles[name] = Role(name, spec.get("description", ""), bool(spec.get("area_scoped", True)), granted)
        return cls(declared, roles)

    def role(self, name: str) -> Role:
        try:
            return self.roles[name]
        except KeyError:
            raise UnknownRole(name) from None

    def permissions_of(self, roles) -> frozenset[str]:
        granted = frozenset()
        for name in roles:
            granted |= self.role(name).permissions
        return granted

    def allows(self, roles, permission: str) -> bool:
        return permission in self.permissions_of(roles)

    def is_area_scoped(self, roles) -> bool:
        # One unscoped role lifts the limit: such roles are given by mandate, never by accident.
        return all(self.role(name).area_scoped for name in roles)
