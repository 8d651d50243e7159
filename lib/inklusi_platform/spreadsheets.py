"""Cells for CSV and XLSX files that people open in a spreadsheet program: text is never run as a formula.

A cell starting with = + - @ (or a tab or carriage return, which some programs skip before
reading one of those) is a formula to Excel and LibreOffice: =HYPERLINK(...) next to a column of
NIKs sends them away. Such text is written with a leading apostrophe, shown as text everywhere.
"""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The value to write: text that could start a formula gets a leading apostrophe; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
