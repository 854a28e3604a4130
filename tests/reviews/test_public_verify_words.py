"""The public draw verifier says what is wrong with a pasted record in a sentence, never in Python's words."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("record", "sentence", "python"),
    [
        ("{not json", "这不是一份可读的抽取记录（JSON 格式）", "Expecting property name"),
        ("{}", "记录不完整：缺少“", "KeyError"),
        ("[1, 2]", "这不是一份可读的抽取记录", "list indices"),
    ],
)
def test_a_bad_record_is_explained(client, record, sentence, python):
    page = client.post(reverse("reviews:public_verify"), {"record": record}).content.decode()
    assert sentence in page
    assert python not in page
