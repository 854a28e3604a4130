"""Notification bodies in both languages: `notify(body=lambda: _(...) % {...})` stores the body in Chinese
and English, so a notification made in a Chinese request reads in English for an English reader; e-mail goes
in Chinese (accounts keep no language preference yet)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from center.control import services
from center.core.models import Notification
from center.core.notifications import notify
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db


def _english(client, path) -> str:
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        return client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_body_made_in_a_chinese_request_is_read_in_english(org, client_for):
    quotas = quotas_ready(org)
    with translation.override("zh-hans"):  # what a Chinese request activates
        app = services.application_submit(
            actor=org["staff_inn"],
            app_type="meeting",
            title="学术研讨会",
            year=YEAR,
            lines=[(quotas["30215"].pk, "3000.00")],
        )
    n = Notification.objects.filter(task_key__endswith=f":{app.pk}").first()
    assert n is not None
    assert n.body.startswith("金额 3,000.00 元") and n.body_en.startswith("Amount 3,000.00 yuan")
    reader = client_for(n.recipient.username)
    page = _english(reader, reverse("core:notifications"))
    assert "Amount 3,000.00 yuan" in page and "金额 3,000.00 元" not in page
    assert "Amount 3,000.00 yuan" in _english(reader, reverse("core:workbench"))
    reader.cookies["django_language"] = "zh-hans"
    assert "金额 3,000.00 元" in reader.get(reverse("core:notifications")).content.decode()


def test_the_email_is_in_chinese_and_a_plain_body_stays_as_written(org, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        n = notify(
            [org["head_exp"]],
            title=lambda: _("单据被驳回：%(no)s") % {"no": "SQ-1"},
            body=lambda: _("支付金额 %(amount)s 元。") % {"amount": "12.00"},
        )[0]
        typed = notify([org["head_exp"]], title="甲", body="请补充发票", email=False)[0]
    assert (n.body, n.body_en) == ("支付金额 12.00 元。", "Amount paid: 12.00 yuan.")
    assert (typed.body, typed.body_en) == ("请补充发票", "")
    assert typed.display_body("en") == "请补充发票"  # what someone typed is shown as written
    assert mail.outbox[-1].subject == "单据被驳回：SQ-1"
    assert mail.outbox[-1].body.startswith("支付金额 12.00 元。")
