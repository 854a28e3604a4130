"""Benchmark: a draw of 7 + 3 backups from N (default 20,000) experts with every avoidance rule on.

Times the whole draw as staff run it: fixing the pool (base rules, all eight avoidance rules, exclusions
recorded per expert, pool and parameters hashed and stored), then entering the seed (ranking the pool by
HMAC, composition rules, picks stored, the drawn experts' portal accounts and invitations). Each run is rolled
back; a first, uncounted run warms the process up. Budget: 100 ms.

    .venv/bin/python bench/experts_draw.py [N] [RUNS]
    BENCH_REUSE=1 .venv/bin/python bench/experts_draw.py       # keep the database a previous run populated
"""

import os
import sys

from _experts_common import history, populate, report, setup_django, timed


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    reuse = bool(os.environ.get("BENCH_REUSE"))
    setup_django(fresh=not reuse)
    from center.experts.models import Expert as _Expert

    if not (reuse and _Expert.objects.exists()):
        populate(n)
        history()
    from django.db import transaction

    from center.accounts.models import User
    from center.experts.models import Discipline, Expert, Organisation
    from center.reviews import services
    from center.reviews.enums import PartyRole

    staff, head = User.objects.get(username="staff_exp"), User.objects.get(username="head_exp")
    from center.reviews.models import ReviewRound

    code = f"BENCH{ReviewRound.objects.filter(code__startswith='BENCH').count() or ''}"
    rnd = services.round_create(actor=staff, code=code, title="基准评审", kind="other", year=2026)
    group = services.group_create(
        actor=staff,
        round_id=rnd.pk,
        name="组",
        discipline=Discipline.objects.get(code="520"),
        size=7,
        backups=3,
        max_per_org=2,
        min_non_local=1,
        min_international=1,
    )
    orgs = list(Organisation.objects.all()[:10])
    people = list(Expert.objects.all()[:10])
    for i in range(10):
        app = services.application_create(
            actor=staff,
            round_id=rnd.pk,
            code=f"B{i}",
            title="项目",
            group_id=group.pk,
            parties=[
                {
                    "role": PartyRole.APPLICANT,
                    "organisation": orgs[i],
                    "expert": people[i],
                    "person_name": people[i].name,
                }
            ],
        )
        services.application_formal_check(actor=staff, application_id=app.pk, passed=True)
    print(
        f"{Expert.objects.count()} experts; rules: {sorted(group.avoidance_rules.values_list('kind', flat=True))}"
    )
    import time

    fix, seed, total, cpu = [], [], [], []
    # Run -1 warms the process up and is not counted: the first reverse() of a process imports the whole URLconf
    # (about 2 s here), which a web worker pays once, at its first request, not at each draw.
    for r in range(-1, runs):
        with transaction.atomic():
            sid = transaction.savepoint()
            c0 = time.process_time()
            t_fix, draw = timed(lambda: services.draw_fix_pool(actor=staff, group_id=group.pk))
            t_seed, draw = timed(
                lambda draw=draw, r=r: services.draw_enter_seed(
                    actor=head, draw_id=draw.pk, source="public", value=f"{r}0815", description="基准"
                )
            )
            if r < 0:
                print(f"warm-up draw (not counted): fix {t_fix:.0f} ms, seed {t_seed:.0f} ms")
                transaction.savepoint_rollback(sid)
                continue
            fix.append(t_fix)
            seed.append(t_seed)
            total.append(t_fix + t_seed)
            cpu.append((time.process_time() - c0) * 1000)
            if r == 0:
                print(
                    f"pool {len(draw.pool)} eligible; excluded: "
                    + ", ".join(f"{k} {len(v['ids'])}" for k, v in draw.exclusions.items())
                )
            transaction.savepoint_rollback(sid)
    report("fix pool (eligibility + exclusions + hash)", fix)
    report("enter seed (ranking + picks)", seed)
    report("draw total", total, 100)
    report("draw total, CPU time of this process (robust to other load on the machine)", cpu, 100)


if __name__ == "__main__":
    main()
