import pytest

from gateway.access.roles import RoleBook, UnknownRole


@pytest.fixture(scope="module")
def book():
    return RoleBook.load()


def test_admin_has_every_declared_permission(book):
    assert book.permissions_of(["admin"]) == book.permissions


@pytest.mark.parametrize("role", ["forum_viewer", "partner"])
def test_aggregate_only_roles_read_no_personal_record(book, role):
    granted = book.permissions_of([role])
    assert not {p for p in granted if p.startswith(("persons:", "audit:", "imports:"))}
    assert "stats:read" in granted


def test_only_admin_reads_the_audit(book):
    assert [name for name in book.roles if book.allows([name], "audit:read")] == ["admin"]


def test_scoping_follows_the_data(book):
    assert book.is_area_scoped(["ngo_staff"]) and book.is_area_scoped(["dinsos_officer"])
    assert not book.is_area_scoped(["admin"])
    assert not book.is_area_scoped(["ngo_staff", "kemensos_approver"])


def test_unknown_role_is_refused(book):
    with pytest.raises(UnknownRole):
        book.permissions_of(["superuser"])


def test_a_role_granting_an_undeclared_permission_fails_to_load(tmp_path):
    path = tmp_path / "roles.yml"
    path.write_text("permissions: [a:read]\nroles:\n  x: {area_scoped: true, permissions: [a:write]}\n")
    with pytest.raises(ValueError, match="undeclared"):
        RoleBook.load(path)
