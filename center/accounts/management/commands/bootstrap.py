import os

from django.core.management.base import BaseCommand, CommandError

from center.accounts import services
from center.accounts.demo import DEPARTMENTS
from center.core.errors import ApplicationError


class Command(BaseCommand):
    help = "First installation: create the Center, its four departments and the first system administrator."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="sysadmin")
        parser.add_argument("--admin-name", default="系统管理员")

    def handle(self, *args, admin_username, admin_name, **options):
        password = os.environ.get("ADMIN_PASSWORD", "")
        if not password:
            raise CommandError(
                "Set ADMIN_PASSWORD in the environment (it is never taken from the command line)."
            )
        try:
            unit, depts, _admin = services.bootstrap_installation(
                unit_code="SZSTEC",
                unit_name="深圳市科技交流服务中心",
                unit_name_en="Shenzhen Science & Technology Exchange Service Center",
                parent_name="深圳市科学技术协会",
                departments=DEPARTMENTS,
                admin={"username": admin_username, "full_name": admin_name, "password": password},
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {unit.name}, {len(depts)} departments and administrator {admin_username}."
            )
        )
