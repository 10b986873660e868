"""CSV and Excel (.xlsx) files for django-import-export: read within limits, written without formulas.

Reading: an import runs inside a web request, so a file must be refused before it can
exhaust the worker. The upload's size is checked by the admin's form; here an .xlsx is
refused when it would unpack to more than ``max_unzipped`` bytes (zip bombs, huge shared
string tables), is read with openpyxl in read-only mode, and rows and columns are counted
while they are read: reading stops at the first row or column over the limit. The limits
come from settings (``IMPORT_MAX_*``, README "Configuration").

Writing: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to Excel and LibreOffice (“CSV injection”: ``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``).
In CSV such a cell gets a leading apostrophe, which spreadsheets read as “text follows”
(the import removes it again); in .xlsx every text is written as a text cell marked
“quote prefix”, never as a formula cell, so its text stays exactly as stored.
django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` only drops a leading
``=`` (changing the text, and missing ``+``, ``-`` and ``@``), hence these formats.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from import_export.formats import base_formats

# Full-width forms too: a Chinese input method types them, and some spreadsheets accept them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
MAX_COLUMNS = 50


class ImportLimitError(ValueError):
    """A file over one of the import limits; the message is for staff (Chinese)."""


class NoDataError(ValueError):
    """A file with no row of data under its header row (the importing admin says so in Chinese)."""


def _with_data(dataset):
    if not len(dataset):
        raise NoDataError("no data rows")
    return dataset


@dataclass(frozen=True)
class ImportLimits:
    max_file_size: int
    max_rows: int
    max_columns: int = MAX_COLUMNS

    @classmethod
    def from_settings(cls):
        return cls(max_file_size=settings.IMPORT_MAX_FILE_SIZE, max_rows=settings.IMPORT_MAX_ROWS)

    @property
    def max_lines(self):
        """Rows read at most, empty ones included (spreadsheets often carry formatted empty rows)."""
        return 10 * (self.max_rows + 1)

    @property
    def max_unzipped(self):
        """Unpacked size of an .xlsx at most: 2.5 MB for 1,000 rows.

        A 1,000-row member list with long names and addresses unpacks to about 0.8 MB. The bound
        matters: openpyxl parses a whole sheet that does not declare its size when it opens the
        file, so the unpacked size is what bounds the time spent before the first row is read.
        """
        return max(1024 * 1024, 2560 * 1024 * self.max_rows // 1000)


def check_file_size(size, limits=None):
    limits = limits or ImportLimits.from_settings()
    if size > limits.max_file_size:
        raise ImportLimitError(
            f"文件太大（{filesizeformat(size)}），导入文件不能超过 {filesizeformat(limits.max_file_size)}。"
            "请确认选的是会员名录文件；Excel 文件可删去其中的图片和多余的工作表，或另存为 CSV。"
        )


def _is_empty(value):
    return value is None or (isinstance(value, str) and not value.strip())


def bounded_dataset(rows, limits, filler):
    """A tablib Dataset from ``rows`` (the first is the header), refusing a file over ``limits``.

    Columns are those the header names (cells further right have no column name and would be
    ignored anyway); short rows are padded with ``filler``. Empty rows after the last row with
    data are dropped; empty rows between data rows stay, so line numbers match the file.
    """
    rows = iter(rows)
    header = list(next(rows, None) or [])
    if any(not _is_empty(value) for value in header[limits.max_columns :]):
        raise _too_many_columns(limits)
    width = max((index + 1 for index, value in enumerate(header) if not _is_empty(value)), default=0)
    dataset = tablib.Dataset(headers=header[:width] if width else None)
    if not width:
        return dataset
    empty_row = [filler] * width
    pending_empty = 0
    for line, row in enumerate(rows, start=2):
        if line > limits.max_lines:
            raise ImportLimitError(
                f"文件中的行数（包括空行）超过 {limits.max_lines} 行。请删去数据下方的空行，"
                f"每次最多导入 {limits.max_rows} 行数据。"
            )
        if any(not _is_empty(value) for value in row[limits.max_columns :]):
            raise _too_many_columns(limits)
        row = list(row[:width])
        if all(_is_empty(value) for value in row):
            pending_empty += 1
            continue
        if len(dataset) + pending_empty + 1 > limits.max_rows:
            raise ImportLimitError(
                f"文件超过 {limits.max_rows} 行（第一行列名不计）。一次最多导入 {limits.max_rows} 行，"
                "请把名录分成几个文件，依次导入。"
            )
        for _ in range(pending_empty):
            dataset.append(empty_row)
        pending_empty = 0
        dataset.append(row + [filler] * (width - len(row)))
    return dataset


def _too_many_columns(limits):
    return ImportLimitError(f"文件的列数超过 {limits.max_columns} 列。请只保留模板中的各列（可在导入页面下载模板）。")


def escape_formula(value):
    """``value`` with an apostrophe in front if a spreadsheet would take it for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_formula(text):
    """The text of an exported cell without the apostrophe ``escape_formula`` put there."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        # As tablib reads CSV: lines with nothing at all on them are skipped.
        rows = (row for row in csv.reader(io.StringIO(in_stream)) if row)
        return _with_data(bounded_dataset(rows, ImportLimits.from_settings(), filler=""))

    def export_data(self, dataset, **kwargs):
        escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            escaped.append([escape_formula(value) for value in row])
        return escaped.export("csv", **kwargs)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        import openpyxl

        limits = ImportLimits.from_settings()
        try:
            with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
                unzipped = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            unzipped = 0  # not an .xlsx: openpyxl says so below
        if unzipped > limits.max_unzipped:
            raise ImportLimitError(
                f"这个 Excel 文件解压后超过 {filesizeformat(limits.max_unzipped)}，远大于会员名录所需，无法导入。"
                "请把名录复制到一个新建的 Excel 文件（只保留数据）后再上传，或另存为 CSV。"
            )
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = book.active
            # Do not trust the size the file declares: read until the data ends (or a limit is hit).
            sheet.reset_dimensions()
            rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
            return _with_data(bounded_dataset(rows, limits, filler=None))
        finally:
            book.close()

    def export_data(self, dataset, **kwargs):
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from tablib.formats._xlsx import XLSXFormat, safe_xlsx_sheet_title

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = safe_xlsx_sheet_title(dataset.title or "Sheet1")
        clean = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            clean.append([_legal(value, ILLEGAL_CHARACTERS_RE) for value in row])
        XLSXFormat.dset_sheet(clean, sheet, freeze_panes=True)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    # A text cell (never a formula), kept as text when someone edits it in Excel.
                    cell.data_type = "s"
                    cell.quotePrefix = True
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()


def _legal(value, illegal_characters):
    # Control characters cannot be stored in .xlsx: openpyxl would refuse the whole file.
    return illegal_characters.sub("\N{REPLACEMENT CHARACTER}", value) if isinstance(value, str) else value
