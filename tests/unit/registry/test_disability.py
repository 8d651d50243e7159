"""Disability categories: validated, deduplicated, ordered, `ganda` derived."""
import pytest

from registry.disability import CATEGORIES, derive_categories, split_categories


def test_single_category():
    assert derive_categories(["fisik"]) == ["fisik"]


def test_several_get_ganda_in_canonical_order():
    assert derive_categories(["sensorik", "fisik"]) == ["fisik", "sensorik", "ganda"]
    assert derive_categories(list(reversed(CATEGORIES))) == [*CATEGORIES, "ganda"]


def test_duplicates_collapse_without_ganda():
    assert derive_categories(["netra", "Tuli", "tuna rungu"]) == ["sensorik"]


@pytest.mark.parametrize(
    "term, category",
    [
        ("Tuna Daksa", "fisik"),
        ("daksa", "fisik"),
        ("tunadaksa", "fisik"),
        ("Disabilitas Fisik", "fisik"),
        ("TUNA NETRA", "sensorik"),
        ("netra", "sensorik"),
        ("tuli", "sensorik"),
        ("tuna-rungu", "sensorik"),
        ("wicara", "sensorik"),
        ("Penyandang Disabilitas Netra", "sensorik"),
        ("grahita", "intelektual"),
        ("Tuna Grahita", "intelektual"),
        ("psikososial", "mental"),
        ("autis", "mental"),
        ("Ragam Mental", "mental"),
        (" Intelektual ", "intelektual"),
    ],
)
def test_synonyms(term, category):
    assert derive_categories([term]) == [category]


def test_cell_text_is_split():
    assert derive_categories("Tuna Netra, tuli dan daksa") == ["fisik", "sensorik", "ganda"]
    assert split_categories("fisik; mental/ netra") == ["fisik", "mental", "netra"]


@pytest.mark.parametrize("given", [["ganda"], ["fisik", "Ganda"], "tuna ganda"])
def test_ganda_cannot_be_chosen(given):
    with pytest.raises(ValueError, match="ganda"):
        derive_categories(given)


def test_unknown_is_named():
    with pytest.raises(ValueError) as caught:
        derive_categories(["fisik", "kusta", "lainnya"])
    message = str(caught.value)
    assert "'kusta'" in message and "'lainnya'" in message
    assert "tidak dikenal" in message


@pytest.mark.parametrize("given", [[], "", [" ", None], " , "])
def test_empty_refused(given):
    with pytest.raises(ValueError, match="wajib diisi"):
        derive_categories(given)
