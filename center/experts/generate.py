"""Realistic generated experts for the demo, the benchmarks and the tests: valid checksummed ID numbers
(GB 11643), HKIDs and credit codes (GB 32100), names with pinyin and traditional forms. Deterministic per seed."""

import random

from center.accounts.validators import _ID_CHECK, _ID_WEIGHTS, _USCC_CHARS, _USCC_WEIGHTS

SURNAMES = [
    ("王", "Wang", "王"),
    ("李", "Li", "李"),
    ("张", "Zhang", "張"),
    ("刘", "Liu", "劉"),
    ("陈", "Chen", "陳"),
    ("杨", "Yang", "楊"),
    ("黄", "Huang", "黃"),
    ("赵", "Zhao", "趙"),
    ("吴", "Wu", "吳"),
    ("周", "Zhou", "周"),
    ("徐", "Xu", "徐"),
    ("孙", "Sun", "孫"),
    ("马", "Ma", "馬"),
    ("朱", "Zhu", "朱"),
    ("胡", "Hu", "胡"),
    ("郭", "Guo", "郭"),
    ("何", "He", "何"),
    ("林", "Lin", "林"),
    ("罗", "Luo", "羅"),
    ("梁", "Liang", "梁"),
]
GIVEN = [
    ("伟", "wei", "偉"),
    ("芳", "fang", "芳"),
    ("敏", "min", "敏"),
    ("静", "jing", "靜"),
    ("磊", "lei", "磊"),
    ("强", "qiang", "強"),
    ("军", "jun", "軍"),
    ("洋", "yang", "洋"),
    ("勇", "yong", "勇"),
    ("艳", "yan", "艷"),
    ("杰", "jie", "傑"),
    ("涛", "tao", "濤"),
    ("明", "ming", "明"),
    ("超", "chao", "超"),
    ("华", "hua", "華"),
    ("建", "jian", "建"),
    ("志", "zhi", "志"),
    ("国", "guo", "國"),
    ("海", "hai", "海"),
    ("文", "wen", "文"),
    ("晓", "xiao", "曉"),
    ("宇", "yu", "宇"),
    ("琳", "lin", "琳"),
    ("博", "bo", "博"),
    ("鹏", "peng", "鵬"),
]
ORGS = [
    ("深圳大学", "sz"),
    ("南方科技大学", "sz"),
    ("哈尔滨工业大学（深圳）", "sz"),
    ("清华大学深圳国际研究生院", "sz"),
    ("北京大学深圳研究生院", "sz"),
    ("中国科学院深圳先进技术研究院", "sz"),
    ("深圳技术大学", "sz"),
    ("鹏城实验室", "sz"),
    ("深圳市人民医院", "sz"),
    ("华为技术有限公司", "sz"),
    ("腾讯科技（深圳）有限公司", "sz"),
    ("比亚迪股份有限公司", "sz"),
    ("中山大学", "gd"),
    ("华南理工大学", "gd"),
    ("广东工业大学", "gd"),
    ("暨南大学", "gd"),
    ("香港大学", "hk"),
    ("香港科技大学", "hk"),
    ("香港中文大学", "hk"),
    ("香港理工大学", "hk"),
    ("澳门大学", "mo"),
    ("澳门科技大学", "mo"),
    ("清华大学", "cn"),
    ("浙江大学", "cn"),
    ("复旦大学", "cn"),
    ("中国科学技术大学", "cn"),
    ("新加坡国立大学", "os"),
    ("斯坦福大学", "os"),
    ("慕尼黑工业大学", "os"),
]
TITLES = [
    ("教授", 4),
    ("研究员", 4),
    ("主任医师", 4),
    ("正高级工程师", 4),
    ("副教授", 3),
    ("副研究员", 3),
    ("副主任医师", 3),
    ("高级工程师", 3),
    ("讲师", 2),
    ("工程师", 2),
]
KEYWORDS = [
    "机器学习",
    "计算机视觉",
    "自然语言处理",
    "5G 通信",
    "半导体器件",
    "新能源电池",
    "锂离子电池",
    "基因编辑",
    "肿瘤免疫",
    "医学影像",
    "智能制造",
    "工业机器人",
    "环境监测",
    "碳中和",
    "区域经济",
    "科技政策",
    "materials",
    "deep learning",
    "quantum computing",
    "photonics",
    "biosensors",
    "smart city",
]
AREA_CODES = [
    "440301",
    "440303",
    "440304",
    "440305",
    "440306",
    "110101",
    "310104",
    "330106",
    "440106",
    "420111",
]


def id_number(rng: random.Random, birth_year: int) -> str:
    body = f"{rng.choice(AREA_CODES)}{birth_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def hkid(rng: random.Random) -> str:
    letter = chr(ord("A") + rng.randint(0, 25))
    digits = f"{rng.randint(0, 999999):06d}"
    values = [36, ord(letter) - 55] + [int(c) for c in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return f"{letter}{digits}({'A' if check == 10 else check})"


def credit_code(rng: random.Random) -> str:
    body = "91" + "440300" + "".join(rng.choice(_USCC_CHARS) for _ in range(9))
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def person(rng: random.Random) -> dict:
    s = rng.choice(SURNAMES)
    g = [rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))]
    return {
        "name": s[0] + "".join(x[0] for x in g),
        "name_pinyin": s[1] + " " + "".join(x[1] for x in g),
        "name_en": "".join(x[1] for x in g).capitalize() + " " + s[1],
        "name_traditional": s[2] + "".join(x[2] for x in g),
    }


def expert_data(rng: random.Random, n: int, region: str) -> dict:
    """One expert's profile fields (as expert_create takes them); `n` makes phone and ID unique."""
    birth = rng.randint(1955, 1990)
    title, level = rng.choice(TITLES)
    if region == "hk":
        id_type, idn, phone = "hk", hkid(rng), f"852{rng.choice('5679')}{n % 10_000_000:07d}"
    elif region in ("mo", "os"):
        id_type, idn, phone = "passport", f"E{n:08d}", f"139{n % 100_000_000:08d}"
    else:
        id_type, idn, phone = "mainland", id_number(rng, birth), f"13{rng.randint(5, 9)}{n % 100_000_000:08d}"
    return person(rng) | {
        "gender": rng.choice("MF"),
        "birth_year": birth,
        "id_type": id_type,
        "id_number": idn,
        "phone": phone,
        # not "expert<n>": the password validator would find some of those too close to the demo password
        "email": f"zj{n:05d}@example.org",
        "title": title,
        "title_level": level,
        "keywords": "、".join(rng.sample(KEYWORDS, 3)),
        "region": region,
        "languages": "zh,en",
        "bank_name": "中国银行深圳分行",
        "bank_account": f"62166{n:014d}",
    }
