"""The public draw verifier says what is wrong with a pasted record in a sentence, never in Python's words."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("record", "sentence", "python"),
    [
        ("{not json", "记录不是完整的 JSON 文本（第 1 行第 2 个字符附近有误）", "Expecting property name"),
        ("{}", "记录缺少“params”一项", "KeyError"),
        ("[1, 2]", "记录的内容不符合抽取记录的格式", "list indices"),
    ],
)
def test_a_bad_record_is_explained(client, record, sentence, python):
    page = client.post(reverse("reviews:public_verify"), {"record": record}).content.decode()
    assert sentence in page
    assert python not in page
