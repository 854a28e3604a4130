"""Small factories for the review tests: experts straight into the table (valid identifiers), rounds, groups."""

import itertools
import random

from center.core.crypto import blind_index
from center.experts import generate
from center.experts.enums import ExpertState
from center.experts.identity import id_index, normalise_id
from center.experts.models import Discipline, Expert, ExpertDiscipline, Organisation
from center.experts.services import search_text
from center.reviews import services
from center.reviews.enums import PartyRole

_seq = itertools.count(1)


def ensure_disciplines():
    """The tree is loaded by a migration; transactional (browser) tests flush it, so load it again when gone."""
    from center.experts.disciplines import load

    if not Discipline.objects.exists():
        load(Discipline)


def org(name=None, region="sz"):
    n = next(_seq)
    return Organisation.objects.create(
        name=name or f"测试单位{n}", region=region, credit_code=generate.credit_code(random.Random(n))
    )


def expert(
    *,
    employer=None,
    region="sz",
    discipline="52020",
    state=ExpertState.ADMITTED,
    level=4,
    credit=100,
    user=None,
    **extra,
):
    ensure_disciplines()
    n = next(_seq)
    rng = random.Random(n)
    data = generate.expert_data(rng, 10_000 + n, region)
    data.update(extra)
    data["id_number"] = normalise_id(data["id_type"], data["id_number"])
    employer = employer or org(region=region)
    e = Expert(
        employer=employer,
        state=state,
        credit_score=credit,
        user=user,
        id_number_index=id_index(data["id_type"], data["id_number"]),
        phone_index=blind_index(data["phone"]),
        **{k: v for k, v in data.items() if k != "title_level"},
        title_level=level,
    )
    e.search_text = search_text(e, employer.name)
    e.save()
    ExpertDiscipline.objects.create(
        expert=e, discipline=Discipline.objects.get(code=discipline), primary=True
    )
    return e


def round_with_group(
    actor,
    *,
    code=None,
    size=2,
    backups=1,
    max_per_org=2,
    rules=None,
    applicant_org=None,
    applicant_expert=None,
    applicant_name="",
    discipline="520",
    **group_fields,
):
    ensure_disciplines()
    n = next(_seq)
    rnd = services.round_create(
        actor=actor, code=code or f"R{n}", title=f"测试评审{n}", kind="soft_topic", year=2026
    )
    services.criterion_add(actor=actor, round_id=rnd.pk, name="创新性", min_score=0, max_score=50)
    services.criterion_add(
        actor=actor, round_id=rnd.pk, name="可行性", min_score=0, max_score=50, comment_required=True
    )
    group = services.group_create(
        actor=actor,
        round_id=rnd.pk,
        name="第一组",
        size=size,
        backups=backups,
        max_per_org=max_per_org,
        discipline=Discipline.objects.get(code=discipline),
        default_rules=rules is None,
        **group_fields,
    )
    if rules:
        services.group_update_rules(actor=actor, group_id=group.pk, avoidance=rules)
    parties = [
        {
            "role": PartyRole.APPLICANT,
            "organisation": applicant_org or org(),
            "person_name": applicant_name,
            "expert": applicant_expert,
        }
    ]
    app = services.application_create(
        actor=actor, round_id=rnd.pk, code=f"A{n}", title="测试项目", group_id=group.pk, parties=parties
    )
    services.application_formal_check(actor=actor, application_id=app.pk, passed=True)
    return rnd, group, app
