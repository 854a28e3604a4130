"""Browser journeys of the expert area: an expert scoring in the portal; staff running a verifiable draw."""

import pytest
from playwright.sync_api import expect

from center.accounts.models import User
from center.experts.models import Expert
from center.reviews import services
from center.reviews.models import ScoreSheet
from tests.e2e.conftest import login
from tests.reviews import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _round(blind=True):
    staff = User.objects.get(username="staff_exp")
    for _ in range(6):
        f.expert()
    rnd, group, app = f.round_with_group(staff, size=2, backups=1, max_per_org=2, applicant_name="欧阳申报人")
    rnd.blind = blind
    rnd.save()
    return staff, rnd, group, app


def test_expert_scores_in_the_portal(page):
    staff, rnd, group, app = _round(blind=True)
    me = f.expert(user=User.objects.get(username="expert"))
    draw = services.draw_fix_pool(actor=staff, group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=staff, draw_id=draw.pk, source="public", value="1", description="测试"
    )
    # Whoever the seed chose, let the demo expert be the one invited (this test is about the portal).
    pick = draw.picks.get(rank=1)
    if not draw.picks.filter(expert=me).exists():
        pick.expert = me
        pick.save()
    else:
        pick = draw.picks.get(expert=me)
        pick.state, pick.respond_by, pick.invited_at = (
            "invited",
            draw.picks.get(rank=1).respond_by,
            draw.seeded_at,
        )
        pick.save()

    login(page, "expert")
    page.goto(page.base + "/reviews/portal/")
    page.click("button[name=accept][value='1']")
    page.wait_for_load_state("networkidle")
    page.click(f"text={rnd.title}")
    # The pledge and conflict declaration come before any application is shown.
    assert page.locator("#sign-pledge").is_visible()
    assert page.locator(f"text={app.title}").count() == 1  # listed for the conflict declaration only
    page.check("#pledge")
    page.click("#sign-pledge")
    page.wait_for_load_state("networkidle")
    page.click(f"a:has-text('{app.title}')")
    page.wait_for_load_state("networkidle")
    # Blind round: applicant identity hidden.
    assert "欧阳申报人" not in page.content()
    assert page.locator("text=匿名评审").count() == 1
    c1, c2 = rnd.criteria.all()
    # The final submission asks first (data-confirm); saving a draft does not.
    questions = []
    page.on("dialog", lambda d: (questions.append(d.message), d.accept()))
    page.fill(f"#score-{c1.pk}", "60")  # out of range (0–50)
    page.fill(f"#score-{c2.pk}", "40")
    page.click("#submit-scores")
    page.wait_for_load_state("networkidle")
    errors = page.locator("#sheet-errors").inner_text()
    assert "0–50" in errors and "须填写意见" in errors
    assert ScoreSheet.objects.get(assignment__expert=me).state == "draft"
    assert len(questions) == 1 and "最终评分" in questions[0]
    # Each message sits next to its field, named by aria-describedby.
    assert page.get_attribute(f"#score-{c1.pk}", "aria-invalid") == "true"
    assert f"score-{c1.pk}-error" in page.get_attribute(f"#score-{c1.pk}", "aria-describedby")
    assert "0–50" in page.inner_text(f"#score-{c1.pk}-error")
    # The live total follows the inputs (weights 1): 45 + 40.
    page.fill(f"#score-{c1.pk}", "45")
    expect(page.locator("#sheet-total")).to_have_text("85.00")
    page.fill(f"#score-{c2.pk}", "30")
    expect(page.locator("#sheet-total")).to_have_text("75.00")
    page.fill(f"#score-{c2.pk}", "40")
    # A draft first: saved without a question, still a draft.
    page.click("#save-draft")
    page.wait_for_selector("#draft-note")
    assert len(questions) == 1
    assert ScoreSheet.objects.get(assignment__expert=me).state == "draft"
    expect(page.locator("#sheet-total")).to_have_text("85.00")
    page.fill(f"textarea[name=comment_{c2.pk}]", "方案可行")
    page.click("#submit-scores")
    page.wait_for_load_state("networkidle")
    assert len(questions) == 2
    assert page.locator("text=已提交").first.is_visible()
    sheet = ScoreSheet.objects.get(assignment__expert=me)
    assert sheet.state == "submitted" and str(sheet.total) == "85.00"
    page.screenshot(path="/tmp/e2e-expert-portal.png", full_page=True)


def test_staff_runs_a_draw_and_verifies_it(page):
    staff, rnd, group, app = _round(blind=False)
    login(page, "staff_exp")
    page.goto(page.base + f"/reviews/groups/{group.pk}/")
    # Fixing the pool asks first (data-confirm).
    questions = []
    page.on("dialog", lambda d: (questions.append(d.message), d.accept()))
    page.click("#fix-pool")
    page.wait_for_load_state("networkidle")
    assert len(questions) == 1 and "固定候选池" in questions[0]
    pool_hash = page.locator("#pool-hash").inner_text()
    assert len(pool_hash) == 64
    page.select_option("#seed-source", "public")
    page.fill("#seed-value", "03 08 15 22 27 31 09")
    page.fill("#seed-description", "福利彩票双色球第2026137期")
    page.click("#seed-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#draw-result tbody tr").count() == 3
    assert Expert.objects.filter(picks__draw__group=group).count() == 3
    page.screenshot(path="/tmp/e2e-draw.png", full_page=True)
    page.click("#verify-link")
    page.wait_for_load_state("networkidle")
    assert "验证通过" in page.locator("#verify-outcome").inner_text()
    # Rules are frozen once the pool hash is recorded.
    page.goto(page.base + f"/reviews/groups/{group.pk}/")
    assert page.locator("#rules-form fieldset[disabled]").count() == 1
