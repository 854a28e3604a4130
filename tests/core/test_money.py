import pytest

from center.core.money import rmb_upper


@pytest.mark.parametrize(
    ("amount", "upper"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("100", "壹佰元整"),
        ("0.05", "伍分"),
        ("0", "零元整"),
        ("1005", "壹仟零伍元整"),
        ("10010", "壹万零壹拾元整"),
        ("20100", "贰万零壹佰元整"),
        ("105000", "壹拾万伍仟元整"),
        ("2500000", "贰佰伍拾万元整"),
        ("100000000", "壹亿元整"),
        ("100010001", "壹亿零壹万零壹元整"),
        ("1.01", "壹元零壹分"),
        ("30000.5", "叁万元伍角"),
        # 《会计基础工作规范》: a 0 in the 元 place before 角 may be written or omitted; we omit it.
        ("1000000.10", "壹佰万元壹角"),
    ],
)
def test_rmb_upper(amount, upper):
    assert rmb_upper(amount) == upper
