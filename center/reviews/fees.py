"""Expert fees and the individual income tax withheld on 劳务报酬 (labour remuneration), per payment.

Rules (个人所得税法 and its implementing regulations; 预扣预缴 for non-residents-of-payroll, verify locally):
income ≤ 4,000: taxable = income − 800; above: taxable = income × (1 − 20%). Tax = taxable × rate − quick
deduction, with 20% up to 20,000 taxable, 30% − 2,000 up to 50,000, 40% − 7,000 above. The table is data:
settings.REVIEW_LABOUR_TAX may replace it.
"""

from decimal import Decimal

from django.conf import settings

from .scoring import q2

DEFAULT_TABLE = {
    "threshold": Decimal(4000),
    "fixed_deduction": Decimal(800),
    "rate_deduction": Decimal("0.20"),
    # (upper bound of taxable income or None, rate, quick deduction)
    "brackets": [
        (Decimal(20000), Decimal("0.20"), Decimal(0)),
        (Decimal(50000), Decimal("0.30"), Decimal(2000)),
        (None, Decimal("0.40"), Decimal(7000)),
    ],
}


def tax_table() -> dict:
    return getattr(settings, "REVIEW_LABOUR_TAX", DEFAULT_TABLE)


def labour_tax(income: Decimal, table: dict | None = None) -> Decimal:
    t = table or tax_table()
    income = Decimal(income)
    if income <= 0:
        return Decimal("0.00")
    if income <= t["threshold"]:
        taxable = max(income - t["fixed_deduction"], Decimal(0))
    else:
        taxable = income * (1 - t["rate_deduction"])
    for upper, rate, quick in t["brackets"]:
        if upper is None or taxable <= upper:
            return q2(max(taxable * rate - quick, Decimal(0)))
    raise AssertionError("unreachable: the last bracket is open")
