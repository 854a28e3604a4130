"""center.core.xlsx: an uploaded workbook is checked before it is unpacked, then read as a bounded stream."""

import io
import struct
import zipfile

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from center.core import xlsx
from center.core.errors import ApplicationError
from center.core.xlsx import WorkbookRefused, open_workbook


def workbook_bytes(rows, title="Sheet") -> bytes:
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_member(data: bytes, name: str, write) -> bytes:
    """The same zip with member `name` rewritten by `write(file)` (streamed, so nothing big is held)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                member = zipfile.ZipInfo(name)
                member.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(member, "w", force_zip64=True) as f:
                    write(f)
            else:
                dst.writestr(info, src.read(info.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def bomb(megabytes: int) -> bytes:
    """A valid workbook whose sheet XML is `megabytes` MB of whitespace: it deflates about 1000:1."""

    def write(f):
        f.write(HEAD)
        chunk = b" " * (1024 * 1024)
        for _ in range(megabytes):
            f.write(chunk)
        f.write(TAIL)

    return replace_member(workbook_bytes([["a"]]), SHEET, write)


def forbid_unpacking(monkeypatch):
    """From now on, fail the test if anything decompresses a zip member or reaches openpyxl."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was unpacked before it was refused")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", refuse)
    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def test_a_good_workbook_streams_its_rows():
    data = workbook_bytes([["姓名", "年份"], ["张三", 1970], [None, None], ["李四", "=1+1"]])
    with open_workbook(data, data_only=False) as book:
        assert book.sheetnames == ["Sheet"]
        assert list(book.rows()) == [(1, ("姓名", "年份")), (2, ("张三", 1970)), (4, ("李四", "=1+1"))]
        assert list(book.rows("Sheet", width=3))[0] == (1, ("姓名", "年份", None))


def test_a_zip_bomb_is_refused_from_the_directory_alone(monkeypatch):
    data = bomb(20)
    forbid_unpacking(monkeypatch)
    assert len(data) < 100 * 1024  # 20 MB of sheet in a few dozen kilobytes
    with pytest.raises(WorkbookRefused) as exc:
        open_workbook(data)
    assert exc.value.kind == "bomb"
    assert isinstance(exc.value, ApplicationError) and "压缩炸弹" in exc.value.message
    assert exc.value.extra["member"] == SHEET


def test_a_workbook_too_large_when_unpacked_is_refused_before_unpacking(monkeypatch):
    data = bomb(3)
    forbid_unpacking(monkeypatch)
    with pytest.raises(WorkbookRefused) as exc:
        open_workbook(data, max_ratio=10_000, max_uncompressed=2 * 1024 * 1024)
    assert exc.value.kind == "too_large"


def test_a_zip_that_understates_its_sizes_is_corrupt_not_big():
    """Declared sizes bound the reading: a member that unpacks to more than it declares is refused."""
    data = bytearray(bomb(3))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo(SHEET)
    # Patch the member's uncompressed size in the central directory (and its zip64 extra) to 1 KB.
    start = 0
    while True:
        central = data.find(b"PK\x01\x02", start)
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == SHEET.encode():
            break
        start = central + 4
    extra_len = struct.unpack_from("<H", data, central + 30)[0]
    if struct.unpack_from("<I", data, central + 24)[0] == 0xFFFFFFFF:
        extra = central + 46 + name_len
        assert struct.unpack_from("<H", data, extra)[0] == 1 and extra_len >= 12
        struct.pack_into("<Q", data, extra + 4, 1024)
    else:
        struct.pack_into("<I", data, central + 24, 1024)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).file_size == 1024 != info.file_size
    with pytest.raises(WorkbookRefused) as exc, open_workbook(bytes(data)) as book:
        list(book.rows())
    assert exc.value.kind == "corrupt"


def test_too_many_rows_is_refused_at_the_first_row_past_the_limit():
    data = workbook_bytes([[i] for i in range(1, 61)])
    seen = []
    with pytest.raises(WorkbookRefused) as exc, open_workbook(data, max_rows=50) as book:
        for number, _values in book.rows():
            seen.append(number)
    assert exc.value.kind == "too_many_rows" and exc.value.extra["row"] == 51
    assert seen == list(range(1, 51))
    with open_workbook(data, max_rows=60) as book:
        assert len(list(book.rows())) == 60


def test_a_row_far_below_is_refused_without_walking_the_gap():
    data = workbook_bytes([["a"]])
    far = HEAD + b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>' + TAIL
    data = replace_member(data, SHEET, lambda f: f.write(far))
    with pytest.raises(WorkbookRefused) as exc, open_workbook(data) as book:
        list(book.rows())
    assert exc.value.kind == "too_many_rows"


def test_too_many_columns_is_refused():
    data = workbook_bytes([["a"]])
    wide = HEAD + b'<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>' + TAIL
    data = replace_member(data, SHEET, lambda f: f.write(wide))
    with pytest.raises(WorkbookRefused) as exc, open_workbook(data) as book:
        list(book.rows())
    assert exc.value.kind == "too_many_columns" and exc.value.extra["column"] == "XFD"


def test_a_too_long_cell_is_refused():
    data = workbook_bytes([["short"], ["x" * (xlsx.MAX_CELL_CHARS + 1)]])
    with pytest.raises(WorkbookRefused) as exc, open_workbook(data) as book:
        list(book.rows())
    assert exc.value.kind == "cell_too_long" and exc.value.extra["row"] == 2
    assert "A2" in exc.value.message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a workbook at all",
        b"PK\x03\x04" + b"\x00" * 100,
        workbook_bytes([["a"]])[:-200],  # cut short: the central directory is gone
    ],
    ids=["empty", "text", "broken-zip", "truncated"],
)
def test_what_is_not_a_zip_is_refused(data, monkeypatch):
    forbid_unpacking(monkeypatch)
    with pytest.raises(WorkbookRefused) as exc:
        open_workbook(data)
    assert exc.value.kind == "not_xlsx"


def test_a_zip_that_is_not_a_workbook_is_refused(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    forbid_unpacking(monkeypatch)
    with pytest.raises(WorkbookRefused) as exc:
        open_workbook(out.getvalue())
    assert exc.value.kind == "not_xlsx"


def test_a_damaged_sheet_is_refused_as_corrupt():
    data = replace_member(workbook_bytes([["a"]]), SHEET, lambda f: f.write(HEAD + b"<row><c>"))
    with pytest.raises(WorkbookRefused) as exc, open_workbook(data) as book:
        list(book.rows())
    assert exc.value.kind == "corrupt"


def test_merged_ranges_are_listed():
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.append(["a", "b"])
    ws.merge_cells("A2:B3")
    buf = io.BytesIO()
    wb.save(buf)
    with open_workbook(buf.getvalue()) as book:
        assert book.merged_ranges() == ["A2:B3"]


@pytest.mark.django_db
def test_both_imports_refuse_a_zip_bomb_before_unpacking(org, monkeypatch):
    """The expert import and the budget import open uploads through this reader (the defect: a 266 KB bomb
    held a worker for a minute)."""
    from center.budget.services import parse_workbook
    from center.experts.services import expert_import_xlsx

    data = bomb(20)
    forbid_unpacking(monkeypatch)
    with pytest.raises(WorkbookRefused):
        expert_import_xlsx(actor=org["staff_exp"], data=data)
    with pytest.raises(ApplicationError) as refused:
        parse_workbook(data, catalogue=None)
    assert "已拒绝" in refused.value.message  # the bomb named as such, not "not a workbook"
    assert refused.value.extra["errors"][0]["message"] == refused.value.message
