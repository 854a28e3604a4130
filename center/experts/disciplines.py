"""A working subset of the discipline tree of GB/T 13745-2009 《学科分类与代码》 (first and second levels).

Codes and names follow the standard as recalled, not checked line by line against the official text
(verify before relying on a code): the tree is data, loaded by a migration, and extendable by staff.
"""

# (code, name, English name, parent code)
DISCIPLINES = [
    ("110", "数学", "Mathematics", ""),
    ("11014", "代数学", "Algebra", "110"),
    ("11024", "几何学", "Geometry", "110"),
    ("11061", "概率论", "Probability theory", "110"),
    ("11071", "数理统计学", "Mathematical statistics", "110"),
    ("120", "信息科学与系统科学", "Information and systems science", ""),
    ("12020", "控制理论", "Control theory", "120"),
    ("12040", "系统评估与可行性分析", "Systems evaluation and feasibility analysis", "120"),
    ("140", "物理学", "Physics", ""),
    ("14030", "声学", "Acoustics", "140"),
    ("14040", "光学", "Optics", "140"),
    ("14064", "凝聚态物理学", "Condensed matter physics", "140"),
    ("150", "化学", "Chemistry", ""),
    ("15010", "无机化学", "Inorganic chemistry", "150"),
    ("15020", "有机化学", "Organic chemistry", "150"),
    ("15030", "分析化学", "Analytical chemistry", "150"),
    ("15040", "物理化学", "Physical chemistry", "150"),
    ("180", "生物学", "Biology", ""),
    ("18021", "细胞生物学", "Cell biology", "180"),
    ("18031", "遗传学", "Genetics", "180"),
    ("18044", "生物化学", "Biochemistry", "180"),
    ("310", "基础医学", "Basic medicine", ""),
    ("31011", "医学生物化学", "Medical biochemistry", "310"),
    ("31031", "免疫学", "Immunology", "310"),
    ("320", "临床医学", "Clinical medicine", ""),
    ("32021", "内科学", "Internal medicine", "320"),
    ("32031", "外科学", "Surgery", "320"),
    ("32061", "肿瘤学", "Oncology", "320"),
    ("430", "材料科学", "Materials science", ""),
    ("43020", "材料表面与界面", "Material surfaces and interfaces", "430"),
    ("43035", "金属材料", "Metallic materials", "430"),
    ("43040", "无机非金属材料", "Inorganic non-metallic materials", "430"),
    ("43050", "有机高分子材料", "Organic polymer materials", "430"),
    ("460", "机械工程", "Mechanical engineering", ""),
    ("46040", "机械设计", "Mechanical design", "460"),
    ("46050", "机械制造工艺与设备", "Manufacturing processes and equipment", "460"),
    ("470", "动力与电气工程", "Power and electrical engineering", ""),
    ("47040", "电气工程", "Electrical engineering", "470"),
    ("47020", "工程热物理", "Engineering thermophysics", "470"),
    ("510", "电子与通信技术", "Electronics and communication technology", ""),
    ("51010", "电子技术", "Electronic technology", "510"),
    ("51020", "光电子学与激光技术", "Optoelectronics and laser technology", "510"),
    ("51030", "半导体技术", "Semiconductor technology", "510"),
    ("51040", "信息处理技术", "Information processing technology", "510"),
    ("51050", "通信技术", "Communication technology", "510"),
    ("520", "计算机科学技术", "Computer science and technology", ""),
    ("52010", "计算机科学技术基础学科", "Foundations of computer science", "520"),
    ("52020", "人工智能", "Artificial intelligence", "520"),
    ("52030", "计算机系统结构", "Computer architecture", "520"),
    ("52040", "计算机软件", "Computer software", "520"),
    ("52050", "计算机工程", "Computer engineering", "520"),
    ("52060", "计算机应用", "Computer applications", "520"),
    ("530", "化学工程", "Chemical engineering", ""),
    ("53025", "化工传递过程", "Chemical transport processes", "530"),
    ("610", "环境科学技术及资源科学技术", "Environmental and resource science and technology", ""),
    ("61020", "环境学", "Environmental science", "610"),
    ("61030", "环境工程学", "Environmental engineering", "610"),
    ("630", "管理学", "Management science", ""),
    ("63024", "科学学与科技管理", "Science of science and S&T management", "630"),
    ("63044", "企业管理", "Business management", "630"),
    ("790", "经济学", "Economics", ""),
    ("79024", "区域经济学", "Regional economics", "790"),
    ("79057", "技术经济学", "Technology economics", "790"),
]


def load(Discipline) -> int:  # noqa: N803 (the model class, from a migration's historical registry or the app)
    """Create missing nodes (idempotent). Returns how many were created."""
    have = {d.code: d for d in Discipline.objects.all()}
    created = 0
    for code, name, name_en, parent_code in DISCIPLINES:
        if code in have:
            continue
        parent = have.get(parent_code)
        path = (parent.path if parent else "") + code + "/"
        have[code] = Discipline.objects.create(
            code=code, name=name, name_en=name_en, parent=parent, path=path
        )
        created += 1
    return created
