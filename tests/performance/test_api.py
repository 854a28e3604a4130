import pytest

pytestmark = pytest.mark.django_db


def test_progress_and_evaluations_of_a_year(budget, org, client_for):
    from center.performance import services

    services.evaluation_open(actor=org["finance"], budget_id=budget.pk)
    c = client_for("auditor")
    rows = c.get("/api/v1/performance/progress/2022").json()
    assert len(rows) == 38 and all(r["source"] and r["definition"] for r in rows)
    assert {r["status"] for r in rows} <= {"met", "on_track", "lagging", "off_track", "no_data"}
    evaluations = c.get("/api/v1/performance/evaluations/2022").json()
    assert len(evaluations) == 1 and evaluations[0]["project_id"] is None and evaluations[0]["grade"]
    assert c.get("/api/v1/performance/progress/1999").status_code == 404
    assert c.get("/api/v1/performance/progress/99999999999999999999").status_code in (404, 422)
    assert client_for("cashier").get("/api/v1/performance/progress/2022").status_code == 403
