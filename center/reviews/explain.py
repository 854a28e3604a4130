"""Words for what the review area computes: a flag's reason, a failed draw verification, in sentences."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .enums import FlagKind


def _n(value, places: int = 2) -> str:
    try:
        return f"{Decimal(str(value)):,.{places}f}"
    except (InvalidOperation, ValueError):
        return str(value)


def flag_text(flag, threshold=None) -> str:
    """Why a flag was raised, in a sentence (the numbers it was raised on)."""
    d = flag.detail or {}
    if flag.kind == FlagKind.OUTLIER:
        z = float(d.get("z", 0) or 0)
        values = {"z": _n(abs(z)), "t": _n(threshold if threshold is not None else flag.round.outlier_z)}
        if z < 0:
            return _("该专家的评分比本组中位数低 %(z)s 个标准差（稳健 z 值），超过预警阈值 %(t)s。") % values
        return _("该专家的评分比本组中位数高 %(z)s 个标准差（稳健 z 值），超过预警阈值 %(t)s。") % values
    if flag.kind == FlagKind.SPREAD:
        return _("最高分 %(hi)s 与最低分 %(lo)s 相差 %(s)s 分，超过允许的极差 %(t)s 分。") % {
            "hi": _n(d.get("max", 0)),
            "lo": _n(d.get("min", 0)),
            "s": _n(d.get("spread", 0)),
            "t": _n(flag.round.spread_threshold),
        }
    if flag.kind == FlagKind.TOO_FAST:
        return _("从打开材料到提交评分只用了 %(s)s 秒，少于要求的最短评审时间 %(m)s 秒。") % {
            "s": d.get("seconds", 0),
            "m": flag.round.min_review_seconds,
        }
    if flag.kind == FlagKind.IDENTICAL:
        return _("%(n)s 位专家对本组各项目的全部评分完全相同。") % {"n": len(d.get("experts", [])) or 2}
    if flag.kind == FlagKind.VETO:
        return _("该专家在否决项上选择了“是”，项目不参加排名，须核实否决理由。")
    return ""


# What each verification check means when it fails.
def verify_failures(checks: dict) -> list[str]:
    sentences = {
        "pool_hash": _("候选池或抽取参数与记录的哈希值不一致：记录在固定候选池之后被改动过。"),
        "seed": _("随机种子不能由记录的来源值算出：种子或其来源值被改动过。"),
        "seed_after_pool": _(
            "随机种子录入时间不晚于候选池固定时间：不能证明种子是在候选池固定之后才确定的。"
        ),
        "result": _("按记录的候选池、参数和种子重新抽取，得到的名单与存档名单不同。"),
        "result_hash": _("重新抽取的名单与记录中的结果哈希值不一致。"),
    }
    return [sentences.get(k, _("一项检查未通过。")) for k, ok in checks.items() if not ok]


def verify_problem(exc: Exception) -> str:
    """A pasted record that cannot be read, said without the program's own error text."""
    if isinstance(exc, KeyError):
        return _("记录不完整：缺少“%(k)s”一项。请粘贴从抽取页面下载的完整记录。") % {
            "k": str(exc.args[0])[:40]
        }
    return _("这不是一份可读的抽取记录（JSON 格式）。请粘贴从抽取页面下载的完整记录，不要改动其内容。")
