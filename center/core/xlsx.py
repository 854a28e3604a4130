"""The one way to open an uploaded .xlsx workbook: checked before it is unpacked, read as a stream, bounded.

An .xlsx file is a zip of XML files. A few hundred kilobytes can declare gigabytes of XML (a "zip bomb"):
opening such a file with openpyxl kept a worker busy until gunicorn killed it. So, before anything is
decompressed, `open_workbook` reads the zip's central directory only and refuses
- a file that is not a zip, or a zip that is not a workbook, or an encrypted or unusually compressed member;
- more members than `max_members`, a declared total size over `max_uncompressed`, or a member larger than
  `RATIO_FLOOR` whose declared size is more than `max_ratio` times its compressed size.
The declared sizes can be trusted as a bound: Python's zipfile stops reading a member at its declared size and
then refuses it (the checksum no longer matches), so a zip that lies about its sizes is "corrupt", never big.
XML entity expansion ("billion laughs") is refused by the expat parser itself (≥ 2.4).

The workbook is then opened with openpyxl in read-only mode and its rows are streamed, refusing a row past
`max_rows`, a column past `max_cols` and a text longer than `max_cell_chars`. The cell reader is openpyxl's
own worksheet parser (the read-only worksheet would pad every row to a width the file declares).

Every refusal is a `WorkbookRefused` (an `ApplicationError` with a Chinese message) whose `kind` says why:
"not_xlsx", "corrupt", "too_large", "bomb", "too_many_rows", "too_many_columns", "cell_too_long".
"""

import io
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .errors import ApplicationError

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # all members together, as declared
MAX_RATIO = 100  # declared size / compressed size of one member (real sheets: about 5-30)
RATIO_FLOOR = 1024 * 1024  # members smaller than this are never too compressed
MAX_MEMBERS = 1000
MAX_ROWS = 20_000
MAX_COLS = 200
MAX_CELL_CHARS = 5_000


class WorkbookRefused(ApplicationError):
    """An uploaded workbook that is refused; `kind` names the reason (see the module docstring)."""

    def __init__(self, message: str, kind: str, extra: dict[str, Any] | None = None):
        super().__init__(message, {"kind": kind, **(extra or {})})
        self.kind = kind


def check_archive(
    data: bytes,
    *,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
    max_members: int = MAX_MEMBERS,
) -> zipfile.ZipFile:
    """Check the zip's central directory (nothing is decompressed) and return the open zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookRefused(_("文件不是有效的 .xlsx 工作簿。"), "not_xlsx") from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise WorkbookRefused(_("文件不是有效的 .xlsx 工作簿。"), "not_xlsx")
    if len(members) > max_members:
        raise WorkbookRefused(
            _("工作簿包含的部件过多（%(n)d 个），已拒绝。") % {"n": len(members)},
            "too_large",
            {"members": len(members)},
        )
    total = 0
    for m in members:
        if m.flag_bits & 0x1 or m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookRefused(_("工作簿已加密或压缩方式不受支持，请另存为普通 .xlsx 文件。"), "not_xlsx")
        total += m.file_size
        if m.file_size > RATIO_FLOOR and m.file_size > max_ratio * max(m.compress_size, 1):
            raise WorkbookRefused(
                _("工作簿的压缩比异常（疑似压缩炸弹），已拒绝。"),
                "bomb",
                {"member": m.filename, "size": m.file_size, "compressed": m.compress_size},
            )
    if total > max_uncompressed:
        raise WorkbookRefused(
            _("工作簿解压后过大（%(mb)d MB，上限 %(max)d MB），已拒绝。")
            % {"mb": total // (1024 * 1024), "max": max_uncompressed // (1024 * 1024)},
            "too_large",
            {"size": total},
        )
    return archive


class Workbook:
    """A checked workbook open for reading. Use as a context manager (or call `close()`)."""

    def __init__(self, wb, *, max_rows: int, max_cols: int, max_cell_chars: int):
        self._wb = wb
        self.max_rows, self.max_cols, self.max_cell_chars = max_rows, max_cols, max_cell_chars

    @property
    def sheetnames(self) -> list[str]:
        return list(self._wb.sheetnames)

    def _sheet(self, sheet: str | int | None):
        if sheet is None or isinstance(sheet, int):
            sheets = self._wb.worksheets
            index = sheet or 0
            if index >= len(sheets):
                raise WorkbookRefused(_("工作簿中没有工作表。"), "not_xlsx")
            return sheets[index]
        if sheet not in self._wb.sheetnames:
            raise WorkbookRefused(_("缺少工作表“%(s)s”。") % {"s": sheet}, "not_xlsx", {"sheet": sheet})
        return self._wb[sheet]

    def _parser(self, ws, source):
        from openpyxl.worksheet._reader import WorkSheetParser

        wb = self._wb
        return WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=wb.data_only,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )

    def rows(
        self, sheet: str | int | None = None, *, width: int | None = None
    ) -> Iterator[tuple[int, tuple]]:
        """Yield (row number, values) for every row that holds a value, in order; empty rows are skipped.

        `values` has `width` entries (default: up to the row's last value); a formula reads as its text
        ("=…") unless the workbook was opened with `data_only=True`."""
        from openpyxl.utils import get_column_letter

        ws = self._sheet(sheet)
        try:
            with ws._get_source() as source:
                for number, cells in self._parser(ws, source).parse():
                    values: dict[int, Any] = {}
                    for cell in cells:
                        value = cell["value"]
                        if value is None or value == "":
                            continue
                        column = cell["column"]
                        if column > self.max_cols:
                            raise WorkbookRefused(
                                _("工作表“%(s)s”的列数超过上限 %(n)d。")
                                % {"s": ws.title, "n": self.max_cols},
                                "too_many_columns",
                                {"sheet": ws.title, "row": number, "column": get_column_letter(column)},
                            )
                        if isinstance(value, str) and len(value) > self.max_cell_chars:
                            raise WorkbookRefused(
                                _("单元格 %(c)s 的内容超过 %(n)d 个字符。")
                                % {"c": f"{get_column_letter(column)}{number}", "n": self.max_cell_chars},
                                "cell_too_long",
                                {"sheet": ws.title, "row": number, "column": get_column_letter(column)},
                            )
                        values[column] = value
                    if not values:
                        continue
                    if number > self.max_rows:
                        raise WorkbookRefused(
                            _("工作表“%(s)s”的行数超过上限 %(n)d。") % {"s": ws.title, "n": self.max_rows},
                            "too_many_rows",
                            {"sheet": ws.title, "row": number},
                        )
                    yield number, tuple(values.get(c) for c in range(1, (width or max(values)) + 1))
        except WorkbookRefused:
            raise
        except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged sheet
            raise WorkbookRefused(_("工作簿已损坏，无法读取。"), "corrupt", {"sheet": ws.title}) from exc

    def merged_ranges(self, sheet: str | int | None = None) -> list[str]:
        """The merged cell ranges of a sheet ("A1:B2"), read in a separate pass over its XML."""
        ws = self._sheet(sheet)
        try:
            with ws._get_source() as source:
                parser = self._parser(ws, source)
                for _row in parser.parse():
                    pass
        except Exception as exc:
            raise WorkbookRefused(_("工作簿已损坏，无法读取。"), "corrupt", {"sheet": ws.title}) from exc
        merged = getattr(parser, "merged_cells", None)
        return [str(m.ref) for m in merged.mergeCell] if merged else []

    def close(self) -> None:
        self._wb.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workbook(
    data: bytes,
    *,
    data_only: bool = True,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
    max_members: int = MAX_MEMBERS,
    max_rows: int = MAX_ROWS,
    max_cols: int = MAX_COLS,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> Workbook:
    """Check an uploaded workbook's zip, then open it read-only; raise `WorkbookRefused` when it is refused."""
    from openpyxl import load_workbook

    check_archive(
        data, max_uncompressed=max_uncompressed, max_ratio=max_ratio, max_members=max_members
    ).close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # "extension is not supported" and the like: not the user's problem
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookRefused(_("工作簿已损坏，无法读取。"), "corrupt") from exc
    return Workbook(wb, max_rows=max_rows, max_cols=max_cols, max_cell_chars=max_cell_chars)
