import pytest

from center.assessment import services
from tests.control.factories import YEAR, quotas_ready

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def q(org):
    """The control tests' approved budget of YEAR with its quotas issued and default approval flows."""
    return quotas_ready(org)


@pytest.fixture
def evaluation(org, q):
    return services.evaluation_create(actor=org["finance"], year=YEAR)


def score_all_manual(org, evaluation, score=None):
    """Score every applicable hand point (full points unless `score` says otherwise), with a file."""
    from center.assessment.sheet import sheet

    for item in sheet().items:
        if item.applicable and not item.computed:
            services.item_score(
                actor=org["finance"],
                evaluation_id=evaluation.pk,
                code=item.code,
                score=item.points if score is None else score,
                note="《中心内部控制手册》第三章",
                files=[("制度.pdf", PDF)],
            )
