"""Benchmark: importing N (default 10,000) experts from one .xlsx sheet, all rows valid (all or nothing,
so every row is validated before any is written). Budget: 30 s.

    .venv/bin/python bench/experts_import.py [N]
"""

import io
import random
import sys
import time

from _experts_common import setup_django


def workbook(n: int) -> bytes:
    from openpyxl import Workbook

    from center.experts import generate
    from center.experts.services import IMPORT_COLUMNS

    rng = random.Random(9)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(IMPORT_COLUMNS)
    leaves = ["52020", "52040", "51050", "32021", "43050", "63024"]
    seen = set()
    i = 0
    while len(seen) < n:
        i += 1
        d = generate.expert_data(rng, i, "sz")
        if d["id_number"] in seen:
            continue
        seen.add(d["id_number"])
        ws.append(
            [
                d["name"],
                d["name_pinyin"],
                d["name_en"],
                d["name_traditional"],
                "男" if d["gender"] == "M" else "女",
                d["birth_year"],
                "居民身份证",
                d["id_number"],
                d["phone"],
                d["email"],
                rng.choice(generate.ORGS)[0],
                "",
                d["title"],
                {4: "正高", 3: "副高", 2: "中级"}[d["title_level"]],
                ";".join(rng.sample(leaves, 2)),
                d["keywords"],
                "深圳",
                "zh,en",
                d["bank_name"],
                d["bank_account"],
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    setup_django()
    from center.accounts import demo as accounts_demo
    from center.accounts.models import User
    from center.experts.models import Expert
    from center.experts.services import expert_import_xlsx

    class Quiet:
        def write(self, *_a, **_k):
            pass

    accounts_demo.seed(Quiet())
    data = workbook(n)
    print(f".xlsx of {n} rows: {len(data) / 1e6:.1f} MB")
    t = time.perf_counter()
    report = expert_import_xlsx(actor=User.objects.get(username="staff_exp"), data=data)
    elapsed = time.perf_counter() - t
    assert report.ok, report.errors[:5]
    print(
        f"import: {report.created} experts in {elapsed:.1f} s (budget 30 s: {'OK' if elapsed <= 30 else 'OVER'}); "
        f"{Expert.objects.count()} in the pool"
    )


if __name__ == "__main__":
    main()
