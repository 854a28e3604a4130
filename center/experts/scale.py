"""Scale data (`manage.py scale_seed`): 20,000 × factor experts through the import service (the xlsx import
staff use, validated row by row, all or nothing, one audit entry per workbook), in workbooks of 10,000 rows,
over the demo's organisations and the discipline catalogue's leaves."""

import io

from openpyxl import Workbook

from center.accounts.models import User

from . import generate as gen
from .models import Discipline, Expert
from .services import IMPORT_COLUMNS, expert_import_xlsx

EXPERTS_PER_FACTOR = 20_000
CHUNK = 10_000
FIRST_NUMBER = 100_000  # phones, e-mails and passports numbered apart from the demo's experts
REGIONS = (
    ["深圳"] * 60 + ["广东其他地市"] * 12 + ["香港"] * 8 + ["澳门"] * 4 + ["内地其他省市"] * 12 + ["海外"] * 4
)
REGION_CODE = {
    "深圳": "sz",
    "广东其他地市": "gd",
    "香港": "hk",
    "澳门": "mo",
    "内地其他省市": "cn",
    "海外": "os",
}
LEVEL = {4: "正高", 3: "副高", 2: "中级"}


def generate(factor: float, stdout, rng) -> None:
    actor = User.objects.get(username="staff_exp")
    total = max(1, round(EXPERTS_PER_FACTOR * factor))
    leaves = sorted(
        Discipline.objects.exclude(parent=None).filter(children=None).values_list("code", flat=True)
    )
    seen = set(Expert.objects.values_list("id_number", flat=True))
    number = FIRST_NUMBER + Expert.objects.count()
    made = 0
    while made < total:
        rows = []
        while len(rows) < min(CHUNK, total - made):
            number += 1
            region = rng.choice(REGIONS)
            d = gen.expert_data(rng, number, REGION_CODE[region])
            if d["id_type"] == "hk":
                d["id_number"] = d["id_number"].replace("(", "").replace(")", "")
            if d["id_number"] in seen:
                continue
            seen.add(d["id_number"])
            id_label = {"mainland": "居民身份证", "hk": "香港身份证", "passport": "护照"}[d["id_type"]]
            rows.append(
                [
                    d["name"],
                    d["name_pinyin"],
                    d["name_en"],
                    d["name_traditional"],
                    "男" if d["gender"] == "M" else "女",
                    d["birth_year"],
                    id_label,
                    d["id_number"],
                    d["phone"],
                    d["email"],
                    rng.choice(gen.ORGS)[0],
                    "",
                    d["title"],
                    LEVEL[d["title_level"]],
                    ";".join(rng.sample(leaves, rng.choice([1, 2, 3]))),
                    d["keywords"],
                    region,
                    "zh,en",
                    d["bank_name"],
                    d["bank_account"],
                ]
            )
        report = expert_import_xlsx(actor=actor, data=_workbook(rows))
        if not report.ok:
            raise RuntimeError(f"expert import refused: {report.errors[:3]}")
        made += report.created
    stdout.write(f"  experts: {Expert.objects.count()} experts")


def _workbook(rows) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(IMPORT_COLUMNS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
