from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import AuditOutcome
from .locks import LockRank

GENESIS_HASH = "0" * 64


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One recorded state change or security event. Append-only and hash-chained.

    `hash` = SHA-256 over `prev_hash` and a canonical JSON form of every other field, so that an
    altered, deleted or reordered entry breaks the chain (see `audit.audit_chain_verify`).
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_repr = models.CharField(_("操作人"), max_length=150, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计记录")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditChainHead(models.Model):
    """The single row that serialises appends and remembers the last link (detects tail deletion)."""

    lock_rank = LockRank.AUDIT_HEAD

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(
        _("标题（英文）"), max_length=200, blank=True
    )  # the reader's language: display_title
    body = models.TextField(_("内容"), blank=True)
    body_en = models.TextField(_("内容（英文）"), blank=True)  # the reader's language: display_body
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # A notification about a task (an approval waiting, a document to correct) names the task's subject
    # ("control.application:12"); when the task is acted on by anyone it is resolved (and counts as read).
    task_key = models.CharField(max_length=60, blank=True, default="")
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["task_key", "resolved_at"]),
        ]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        from .translated import pick

        return pick(language, self.title, self.title_en)

    def display_body(self, language: str | None = None) -> str:
        from .translated import pick

        return pick(language, self.body, self.body_en)


class Attachment(models.Model):
    """An uploaded file, stored outside the web root under a random name, read only via a permission check."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT)
    purpose = models.CharField(_("用途"), max_length=50)
    original_name = models.CharField(_("文件名"), max_length=200)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class IdempotentRequest(models.Model):
    """The stored outcome of a request sent with an idempotency key: a retry gets the same answer."""

    lock_rank = LockRank.REQUEST

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key
