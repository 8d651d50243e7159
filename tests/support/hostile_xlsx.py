"""Hand-built XLSX files, small on disk and hostile inside: sparse row numbers, millions of shared strings."""
import io
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

HEADERS = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Ragam Disabilitas", "Persetujuan"]


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                    for i, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'


def workbook(sheet_rows: str, shared_strings: bytes | None = None, dimension: str | None = None) -> bytes:
    """An XLSX whose first sheet's <sheetData> holds `sheet_rows`; optionally a ready sharedStrings.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        strings_rel = (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                       if shared_strings is not None else "")
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>{strings_rel}</Relationships>'))
        size = f'<dimension ref="{dimension}"/>' if dimension else ""
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{size}<sheetData>{sheet_rows}'
            '</sheetData></worksheet>'))
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def sparse_sheet(row_number: int, values: list[str]) -> bytes:
    """The header in row 1 and one data row numbered `row_number`: about 1.6 KB whatever the number."""
    return workbook(inline_row(1, HEADERS) + inline_row(row_number, values),
                    dimension=f"A1:G{row_number}")


def many_shared_strings(count: int, announce: bool = True) -> bytes:
    """A small sheet whose sharedStrings.xml holds `count` items (compressed to a few hundred KB)."""
    announced = f' count="{count}" uniqueCount="{count}"' if announce else ""
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"{announced}>'.encode()
               + b"<si><t>x</t></si>" * count + b"</sst>")
    header = "".join(f'<c r="{_column(i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                     for i, h in enumerate(HEADERS, start=1))
    return workbook(f'<row r="1">{header}</row><row r="2"><c r="B2" t="s"><v>{count - 1}</v></c></row>',
                    shared_strings=strings)
