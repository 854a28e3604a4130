"""The scoring sheet: a draft before the final submission, errors by field, range attributes, the live total's
data and the questions asked before the final submission and before fixing a draw pool."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from center.core.audit import AuditEntry
from center.core.errors import ApplicationError
from center.reviews import services
from center.reviews.models import ScoreSheet
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def _sheet(scored_round):
    rnd, (app1, _), (a, *_rest) = scored_round
    sheet = ScoreSheet.objects.get(assignment=a, application=app1)
    c1, c2 = rnd.criteria.all()
    return a.expert.user, sheet, c1, c2


def test_a_draft_is_saved_partly_filled_and_stays_a_draft(org, scored_round):
    user, sheet, c1, c2 = _sheet(scored_round)
    services.sheet_save_draft(actor=user, sheet_id=sheet.pk, values={c1.pk: ("40", ""), c2.pk: ("", "")})
    sheet.refresh_from_db()
    assert sheet.state == "draft" and sheet.draft_saved_at and sheet.submitted_at is None
    assert sheet.total == Decimal("40.00")
    assert list(sheet.scores.values_list("criterion_id", "value")) == [(c1.pk, Decimal("40.00"))]
    assert AuditEntry.objects.filter(action="reviews.sheet.draft_saved").exists()
    # A draft is not counted; the final submission still needs every score and required comment.
    with pytest.raises(ApplicationError) as exc:
        services.sheet_submit(actor=user, sheet_id=sheet.pk, values={c1.pk: ("40", ""), c2.pk: ("", "")})
    assert set(exc.value.extra["fields"]) == {f"score_{c2.pk}"}
    services.sheet_submit(actor=user, sheet_id=sheet.pk, values={c1.pk: ("40", ""), c2.pk: ("30", "可行")})
    sheet.refresh_from_db()
    assert sheet.state == "submitted" and sheet.total == Decimal("70.00")
    with pytest.raises(ApplicationError):
        services.sheet_save_draft(actor=user, sheet_id=sheet.pk, values={c1.pk: ("1", "")})


def test_a_draft_out_of_range_is_refused_by_field_and_changes_nothing(org, scored_round):
    user, sheet, c1, c2 = _sheet(scored_round)
    with pytest.raises(ApplicationError) as exc:
        services.sheet_save_draft(actor=user, sheet_id=sheet.pk, values={c1.pk: ("51", ""), c2.pk: ("x", "")})
    assert set(exc.value.extra["fields"]) == {f"score_{c1.pk}", f"score_{c2.pk}"}
    assert "0–50" in exc.value.extra["fields"][f"score_{c1.pk}"]
    sheet.refresh_from_db()
    assert sheet.draft_saved_at is None and not sheet.scores.exists()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_sheet_page_has_ranges_errors_next_to_fields_and_asks_before_final(org, scored_round):
    user, sheet, c1, c2 = _sheet(scored_round)
    c = _client(user)
    url = reverse("reviews:portal_sheet", args=[sheet.pk])
    page = c.get(url).content.decode()
    assert 'min="0" max="50"' in page and 'data-weight="1"' in page
    assert 'id="sheet-total"' in page and "reviews/sheet.js" in page
    assert re.search(r'<form [^>]*id="score-sheet"[^>]*data-confirm="[^"]+"', page)
    assert 'value="draft"' in page and 'value="submit"' in page
    # A refused final submission: each message next to its field, aria-describedby naming ids that exist.
    r = c.post(url, {f"score_{c1.pk}": "60", f"score_{c2.pk}": "40", "action": "submit"})
    page = r.content.decode()
    assert r.status_code == 200
    for ref in re.findall(r'aria-describedby="([^"]+)"', page):
        for id_ in ref.split():
            assert f'id="{id_}"' in page, id_
    assert f'id="score-{c1.pk}-error"' in page and f'id="comment-{c2.pk}-error"' in page
    assert 'value="60"' in page  # what was typed is kept
    # The draft button saves and comes back to the sheet.
    r = c.post(url, {f"score_{c1.pk}": "45", f"score_{c2.pk}": "", "action": "draft"})
    assert r.status_code == 302 and r["Location"] == url
    sheet.refresh_from_db()
    assert sheet.state == "draft" and sheet.total == Decimal("45.00")
    page = c.get(url).content.decode()
    assert 'value="45.00"' in page and 'id="draft-note"' in page


def test_fixing_a_draw_pool_asks_first(org, client_for):
    _rnd, group, _app = f.round_with_group(org["staff_exp"])
    page = client_for("staff_exp").get(reverse("reviews:group_detail", args=[group.pk])).content.decode()
    assert re.search(r"<form [^>]*draw_fix|<form [^>]*action=\"[^\"]*/fix/", page) or "fix-pool" in page
    form = re.search(r'<form [^>]*data-confirm="([^"]+)"[^>]*>(?:(?!</form>).)*id="fix-pool"', page, re.S)
    assert form and "固定候选池" in form.group(1)
