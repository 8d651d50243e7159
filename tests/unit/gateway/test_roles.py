"""The role book in roles.yml and its loader."""
from pathlib import Path

import pytest
import yaml

from gateway.access.roles import RoleBook, RoleBookError, UnknownRole

ROLES_FILE = Path(__file__).resolve().parents[3] / "gateway" / "gateway" / "access" / "roles.yml"

# The permissions the gateway's routes and masking rules are written against.
EXPECTED_PERMISSIONS = {
    "persons:read", "persons:write", "persons:read_nik", "persons:read_health", "persons:read_contact",
    "persons:export", "persons:merge", "pokja:read", "pokja:write", "paguyuban:read", "paguyuban:write",
    "imports:write", "stats:read", "coverage:read", "training:read", "training:write", "training:participants",
    "funding:propose",
    "funding:verify", "funding:recommend", "funding:approve", "funding:disburse", "funding:read", "audit:read",
    "accounts:manage", "areas:read", "events:subscribe", "funding:override", "funding:programmes",
    "notifications:read", "notifications:retry", "notifications:templates",
    "problems:read", "problems:write",
}
ROLES = ("admin", "ngo_staff", "ppd_companion", "dinsos_officer", "kemensos_approver", "forum_viewer", "partner",
         "forum_coordinator")
SCOPED = {"ngo_staff", "ppd_companion", "dinsos_officer"}


@pytest.fixture(scope="module")
def book():
    return RoleBook.load()


def holders(book, permission):
    return {name for name in book.roles if book.allows([name], permission)}


def write(tmp_path, text):
    path = tmp_path / "roles.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_file_has_exactly_the_expected_roles_and_permissions(book):
    assert set(book.roles) == set(ROLES)
    assert book.permissions == EXPECTED_PERMISSIONS


def test_every_permission_a_role_lists_is_declared():
    data = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))
    declared = set(data["permissions"])
    assert len(declared) == len(data["permissions"]), "a permission is declared twice"
    for name, spec in data["roles"].items():
        listed = set(spec["permissions"]) - {"*"}
        assert listed <= declared, f"{name}: {listed - declared}"


def test_admin_has_every_declared_permission(book):
    assert book.permissions_of(["admin"]) == book.permissions


@pytest.mark.parametrize("role", ["forum_viewer", "partner", "forum_coordinator"])
def test_aggregate_only_roles_reach_no_personal_record(book, role):
    granted = book.permissions_of([role])
    assert not {p for p in granted if p.startswith(("persons:", "audit:", "imports:", "accounts:"))}
    assert "stats:read" in granted


def test_forum_viewer_reads_the_training_calendar_and_partner_subscribes(book):
    assert book.allows(["forum_viewer"], "training:read")
    assert not book.allows(["forum_viewer"], "training:write")
    assert book.allows(["partner"], "events:subscribe")
    assert not book.allows(["partner"], "training:read")


def test_only_admin_reads_the_audit_and_manages_accounts(book):
    assert holders(book, "audit:read") == {"admin"}
    assert holders(book, "accounts:manage") == {"admin"}


def test_each_funding_step_belongs_to_its_own_role(book):
    assert holders(book, "funding:propose") == {"admin", "ngo_staff"}
    assert holders(book, "funding:verify") == {"admin", "ppd_companion"}
    assert holders(book, "funding:recommend") == {"admin", "dinsos_officer"}
    assert holders(book, "funding:approve") == {"admin", "kemensos_approver"}
    assert holders(book, "funding:disburse") == {"admin", "kemensos_approver"}
    assert holders(book, "funding:override") == {"admin", "dinsos_officer", "kemensos_approver"}
    assert holders(book, "funding:programmes") == {"admin", "kemensos_approver"}


def test_the_notification_log_is_for_area_scoped_field_roles_and_templates_for_the_admin(book):
    assert holders(book, "notifications:read") == {"admin", "ngo_staff", "ppd_companion", "dinsos_officer"}
    assert holders(book, "notifications:retry") == {"admin", "ngo_staff", "ppd_companion"}
    assert holders(book, "notifications:templates") == {"admin"}


def test_registry_roles(book):
    assert holders(book, "persons:read") == {"admin", "ngo_staff", "ppd_companion", "dinsos_officer",
                                             "kemensos_approver"}
    assert holders(book, "persons:write") == {"admin", "ngo_staff", "ppd_companion"}
    assert holders(book, "persons:read_health") == {"admin", "ngo_staff", "ppd_companion"}
    assert holders(book, "persons:export") == {"admin", "ngo_staff", "ppd_companion", "dinsos_officer"}
    assert holders(book, "pokja:write") == {"admin", "ngo_staff"}
    # NGO staff, PPD companions and Dinas Sosial officers run trainings in their areas (issue 11).
    assert holders(book, "training:write") == {"admin", "ngo_staff", "ppd_companion", "dinsos_officer"}
    assert holders(book, "training:participants") == {"admin", "ngo_staff", "ppd_companion", "dinsos_officer"}


def test_area_scoped_flags(book):
    assert {name for name, role in book.roles.items() if role.area_scoped} == SCOPED


@pytest.mark.parametrize("roles, scoped", [
    (["ngo_staff"], True),
    (["dinsos_officer"], True),
    (["admin"], False),
    (["kemensos_approver"], False),
    (["ngo_staff", "admin"], False),  # admin grants all the staff role does
    (["ngo_staff", "forum_viewer"], True),  # a stats role must not open every area's records
    (["dinsos_officer", "kemensos_approver"], True),
    (["forum_viewer", "partner"], False),
    ([], True),
])
def test_an_unscoped_role_lifts_the_limit_only_when_it_covers_the_scoped_ones(book, roles, scoped):
    assert book.is_area_scoped(roles) is scoped


def test_permissions_of_several_roles_is_their_union(book):
    assert book.permissions_of(["forum_viewer", "partner"]) == (
        book.permissions_of(["forum_viewer"]) | book.permissions_of(["partner"]))
    assert book.permissions_of([]) == frozenset()


@pytest.mark.parametrize("call", [
    lambda b: b.permissions_of(["superuser"]),
    lambda b: b.allows(["ngo_staff", "superuser"], "persons:read"),
    lambda b: b.is_area_scoped(["superuser"]),
    lambda b: b.role("superuser"),
])
def test_unknown_role_is_refused_at_lookup(book, call):
    with pytest.raises(UnknownRole):
        call(book)


def test_a_deployment_can_load_its_own_file(tmp_path):
    path = write(tmp_path, "permissions: [a:read, a:write]\n"
                           "roles:\n  x: {area_scoped: true, permissions: [a:read]}\n"
                           "  boss: {area_scoped: false, permissions: ['*']}\n")
    book = RoleBook.load(str(path))
    assert book.allows(["x"], "a:read") and not book.allows(["x"], "a:write")
    assert book.permissions_of(["boss"]) == {"a:read", "a:write"}
    assert book.is_area_scoped(["x"]) and not book.is_area_scoped(["x", "boss"])


@pytest.mark.parametrize("text, complaint", [
    ("permissions: [a:read]\nroles:\n  x: {area_scoped: true, permissions: [a:write]}\n", "undeclared"),
    ("permissions: [a:read]\nroles:\n  x: {permissions: [a:read]}\n", "area_scoped"),
    ("permissions: [a:read]\nroles:\n  x: {area_scoped: 'yes', permissions: [a:read]}\n", "area_scoped"),
    ("permissions: [a:read]\nroles:\n  x: {area_scoped: true}\n", "permissions"),
    ("permissions: [a:read]\nroles:\n  x: {area_scoped: true, permissions: a:read}\n", "permissions"),
    ("permissions: [Read]\nroles:\n  x: {area_scoped: true, permissions: []}\n", "resource:action"),
    ("permissions: [a:read]\nroles:\n  Big-Boss: {area_scoped: true, permissions: []}\n", "lower_snake_case"),
    ("permissions: [a:read]\nroles: {}\n", "roles"),
    ("just text\n", "permissions"),
])
def test_a_bad_roles_file_fails_to_load(tmp_path, text, complaint):
    with pytest.raises(RoleBookError, match=complaint):
        RoleBook.load(write(tmp_path, text))


def test_load_errors_are_value_errors_for_callers_that_catch_those(tmp_path):
    assert issubclass(RoleBookError, ValueError) and issubclass(UnknownRole, KeyError)


def test_the_needs_inventory_is_read_by_the_forum_and_triaged_by_staff_and_coordinators(book):
    assert holders(book, "problems:read") == {"admin", "ngo_staff", "forum_viewer", "forum_coordinator"}
    assert holders(book, "problems:write") == {"admin", "ngo_staff", "forum_coordinator"}
