"""Every PDF names its language (/Lang in the catalogue) so a screen reader reads it right: the shared builder
(budget disclosure package, printed control documents) and the event report, in Chinese and in English."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from center.core.pdf import PdfDocument
from center.events.enums import EventState


def _lang(pdf: bytes) -> list[bytes]:
    assert pdf[:5] == b"%PDF-"
    return re.findall(rb"/Lang \(([^)]*)\)", pdf)


@pytest.mark.parametrize(("language", "tag"), [("zh-hans", b"zh-CN"), ("en", b"en")])
def test_shared_pdf_builder_names_the_language(language, tag):
    with translation.override(language):
        doc = PdfDocument("预算公开")
        doc.paragraph("深圳市科技交流服务中心")
        assert _lang(doc.build()) == [tag]


@pytest.mark.parametrize(("language", "tag"), [("zh-hans", b"zh-CN"), ("en", b"en")])
def test_event_report_pdf_names_the_language(org, make_event, language, tag):
    event = make_event(state=EventState.HELD)
    c = Client()
    c.force_login(org["director"])
    c.cookies["django_language"] = language
    assert _lang(c.get(reverse("events:report_pdf", args=[event.pk])).content) == [tag]
