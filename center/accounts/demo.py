from center.accounts import services
from center.accounts.enums import AccountKind, ExternalType, Role
from center.accounts.models import Unit, User

DEMO_PASSWORD = "Center#2026"  # noqa: S105  (printed for the local demo; never used outside it)

DEPARTMENTS = [
    ("GEN", "综合部", "General Affairs Department"),
    ("EXP", "专家服务部", "Expert Services Department"),
    ("INN", "科技创新服务部", "Innovation Services Department"),
    ("EXC", "交流合作部", "Exchange & Cooperation Department"),
]

# username, full name, department code, position, roles
STAFF = [
    ("director", "王建华", "GEN", "主任", [Role.DIRECTOR]),
    ("deputy1", "李明", "GEN", "副主任", [Role.DEPUTY]),
    ("deputy2", "赵静", "GEN", "副主任", [Role.DEPUTY]),
    ("head_gen", "陈晓东", "GEN", "综合部部长", [Role.DEPT_HEAD]),
    ("head_exp", "刘芳", "EXP", "专家服务部部长", [Role.DEPT_HEAD]),
    ("head_inn", "黄伟", "INN", "科技创新服务部部长", [Role.DEPT_HEAD]),
    ("head_exc", "周婷", "EXC", "交流合作部部长", [Role.DEPT_HEAD]),
    ("finance", "吴敏", "GEN", "会计", [Role.FINANCE]),
    ("cashier", "郑丽", "GEN", "出纳", [Role.CASHIER]),
    ("auditor", "孙强", "GEN", "内控专员", [Role.AUDITOR]),
    ("staff_gen", "杨洋", "GEN", "科员", [Role.STAFF]),
    ("staff_exp", "何佳", "EXP", "科员", [Role.STAFF]),
    ("staff_inn", "林涛", "INN", "科员", [Role.STAFF]),
    ("staff_exc", "高雪", "EXC", "科员", [Role.STAFF]),
]
# Deputies and the departments they oversee (分管).
OVERSIGHT = {"deputy1": ["EXP", "INN"], "deputy2": ["GEN", "EXC"]}
EXTERNAL = [
    ("expert", "张教授", ExternalType.EXPERT),
    ("orgcontact", "深港科技协会联络人", ExternalType.ORG_CONTACT),
]


def seed(stdout) -> None:
    """The Center, its four departments, one account per role and two external accounts. Idempotent."""
    if not Unit.objects.filter(code="SZSTEC").exists():
        _create_organisation()
    _print_accounts(stdout)


def _create_organisation():
    unit = services.unit_create(
        actor=None,
        code="SZSTEC",
        name="深圳市科技交流服务中心",
        name_en="Shenzhen Science & Technology Exchange Service Center",
        parent_name="深圳市科学技术协会",
    )
    depts = {
        code: services.department_create(actor=None, unit=unit, code=code, name=name, name_en=name_en, sort=i)
        for i, (code, name, name_en) in enumerate(DEPARTMENTS)
    }
    admin = services.bootstrap_sysadmin(
        username="sysadmin", full_name="系统管理员", password=DEMO_PASSWORD, department=depts["GEN"]
    )
    created = {}
    for i, (username, full_name, dept, position, roles) in enumerate(STAFF):
        created[username] = services.user_create(
            actor=admin,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            department=depts[dept],
            position=position,
            email=f"{username}@szstec.example.cn",
            phone=f"1380013{i:04d}",
            roles=roles,
        )
    for deputy, codes in OVERSIGHT.items():
        for code in codes:
            services.department_set_deputy(
                actor=admin, department_id=depts[code].pk, deputy_id=created[deputy].pk
            )
    for username, full_name, ext_type in EXTERNAL:
        services.user_create(
            actor=None,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            kind=AccountKind.EXTERNAL,
            external_type=ext_type,
            email=f"{username}@example.org",
        )


def _print_accounts(stdout):
    stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
    for user in User.objects.order_by("kind", "department__sort", "username").prefetch_related("roles"):
        roles = ", ".join(r.get_role_display() for r in user.roles.all()) or user.get_external_type_display()
        stdout.write(f"  {user.username:<12} {user.full_name:<10} {roles}")
