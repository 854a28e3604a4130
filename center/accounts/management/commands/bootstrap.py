import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from center.accounts import services
from center.accounts.demo import DEPARTMENTS
from center.accounts.models import Unit
from center.core.errors import ApplicationError


class Command(BaseCommand):
    help = "First installation: create the Center, its four departments and the first system administrator."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="sysadmin")
        parser.add_argument("--admin-name", default="系统管理员")

    @transaction.atomic
    def handle(self, *args, admin_username, admin_name, **options):
        password = os.environ.get("ADMIN_PASSWORD", "")
        if not password:
            raise CommandError(
                "Set ADMIN_PASSWORD in the environment (it is never taken from the command line)."
            )
        unit = Unit.objects.filter(code="SZSTEC").first() or services.unit_create(
            actor=None,
            code="SZSTEC",
            name="深圳市科技交流服务中心",
            name_en="Shenzhen Science & Technology Exchange Service Center",
            parent_name="深圳市科学技术协会",
        )
        depts = {}
        for i, (code, name, name_en) in enumerate(DEPARTMENTS):
            depts[code] = unit.departments.filter(code=code).first() or services.department_create(
                actor=None, unit=unit, code=code, name=name, name_en=name_en, sort=i
            )
        try:
            services.bootstrap_sysadmin(
                username=admin_username, full_name=admin_name, password=password, department=depts["GEN"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {unit.name}, {len(depts)} departments and administrator {admin_username}."
            )
        )
