from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "center.accounts"
    label = "accounts"
    verbose_name = "组织与账号"

    def ready(self):
        from . import labels, nav, signals, todos  # noqa: F401  (sidebar, audit of security events, workbench to-dos)
