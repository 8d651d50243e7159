"""Values in COPY's text format: escaped only where a character would end a column or a row."""
from datetime import date

import pytest

from registry.importing.copying import _copy_text


@pytest.mark.parametrize(("value", "text"), [
    ("Siti Aminah", "Siti Aminah"),
    ("a\tb", "a\\tb"),
    ("line\nnext", "line\\nnext"),
    ("cr\rhere", "cr\\rhere"),
    ("back\\slash", "back\\\\slash"),
    ('{"name": "a\\"b"}', '{"name": "a\\\\"b"}'),
    (None, "\\N"),
    (True, "t"),
    (date(2025, 6, 1), "2025-06-01"),
    (7, "7"),
])
def test_copy_text(value, text):
    assert _copy_text(value) == text
