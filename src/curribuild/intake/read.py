"""Survey exports as a table of text: CSV (LimeSurvey and spreadsheets) and xlsx
(Microsoft Forms), with the encodings, separators and byte-order marks real
exports use. Row numbers are those a spreadsheet shows (the header is row 1)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from curribuild.errors import UserError

MAX_BYTES = 50_000_000  # a survey export larger than this is not a survey export
MAX_ROWS = 100_000
MAX_COLUMNS = 5_000


@dataclass(frozen=True, slots=True)
class Table:
    source: str  # the file as shown in messages
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells), empty rows left out


def read_table(path: Path, source: str) -> Table:
    """The export at ``path``; a UserError when it cannot be read as a table."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    if size > MAX_BYTES:
        raise UserError(f"{source}: {size:,} bytes, more than the limit of {MAX_BYTES:,}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, source)
    else:
        rows = _csv_rows(path.read_bytes(), source)
    return _table(rows, source)


def _table(rows: list[list[str]], source: str) -> Table:
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise UserError(f"{source}: no header row (the first row names the questions)")
    if len(rows) - 1 > MAX_ROWS:
        raise UserError(f"{source}: more than {MAX_ROWS:,} responses")
    headers = [cell.strip() for cell in rows[0]]
    if len(headers) > MAX_COLUMNS:
        raise UserError(f"{source}: more than {MAX_COLUMNS:,} columns")
    body = [
        (number, [*row, *[""] * (len(headers) - len(row))][: len(headers)])
        for number, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]
    return Table(source, headers, body)


def decode(data: bytes) -> str:
    """Text of a CSV export: a BOM says UTF-8 or UTF-16 (spreadsheet 'Unicode text');
    without one, UTF-8, else Windows-1252 (what Excel writes in Western Europe)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes, source: str) -> list[list[str]]:
    text = decode(data).replace("\x00", "")
    sample = text[:65_536]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to tell: commas
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise UserError(f"{source}:{reader.line_num}: not a readable CSV row ({exc})") from None
    return rows


def _xlsx_rows(path: Path, source: str) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"{source}: not an xlsx workbook ({exc.__class__.__name__})") from None
    try:
        if not book.worksheets:
            raise UserError(f"{source}: the workbook has no sheet")
        rows: list[list[str]] = []
        for values in book.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
