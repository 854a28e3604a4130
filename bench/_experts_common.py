"""Shared set-up of the experts benchmarks: a fresh database (SQLite file, or DATABASE_URL) with N experts.

Run a benchmark from the project root, e.g. `.venv/bin/python bench/experts_draw.py` (N=20000 by default).
SQLite goes to /tmp/bench-experts.sqlite3 unless SQLITE_PATH is set; with DATABASE_URL=postgres://… the
database named there is dropped, created again and used.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

from _db import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("SQLITE_PATH", "/tmp/bench-experts.sqlite3")


def setup_django(fresh: bool = True):
    if fresh and not os.environ.get("DATABASE_URL"):
        Path(os.environ["SQLITE_PATH"]).unlink(missing_ok=True)
    elif fresh:
        fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if fresh and os.environ.get("DATABASE_URL"):
        from center.experts.disciplines import load
        from center.experts.models import Discipline

        load(Discipline)


def populate(n: int, seed: int = 1) -> None:
    """n experts over 29 organisations (+ 200 more), ~10 % with declared ties, past reviews and draws."""
    from django.utils import timezone

    from center.accounts import demo as accounts_demo
    from center.core.crypto import blind_index
    from center.experts import generate
    from center.experts.identity import id_index
    from center.experts.models import Discipline, Expert, ExpertDiscipline, ExpertRelation, Organisation
    from center.experts.services import search_text

    class Quiet:
        def write(self, *_a, **_k):
            pass

    accounts_demo.seed(Quiet())
    rng = random.Random(seed)
    orgs = [
        Organisation(name=name, region=region, credit_code=generate.credit_code(rng))
        for name, region in generate.ORGS
    ]
    orgs += [
        Organisation(name=f"深圳市某科技有限公司{i}", region="sz", credit_code=generate.credit_code(rng))
        for i in range(200)
    ]
    Organisation.objects.bulk_create(orgs)
    orgs = list(Organisation.objects.all())
    regions = ["sz"] * 60 + ["gd"] * 12 + ["hk"] * 8 + ["mo"] * 4 + ["cn"] * 12 + ["os"] * 4
    leaves = list(Discipline.objects.exclude(parent=None))
    experts = []
    for i in range(1, n + 1):
        region = rng.choice(regions)
        d = generate.expert_data(rng, i, region)
        if d["id_type"] == "hk":
            d["id_number"] = d["id_number"].replace("(", "").replace(")", "")
        e = Expert(
            employer=rng.choice(orgs),
            state=rng.choices(["admitted", "applicant", "suspended"], [90, 6, 4])[0],
            id_number_index=id_index(d["id_type"], d["id_number"]) + f"{i}"[:0],
            phone_index=blind_index(d["phone"]),
            credit_score=rng.choice([100] * 9 + [50]),
            profile_confirmed_at=timezone.now(),
            **d,
        )
        e.search_text = search_text(e, e.employer.name)
        experts.append(e)
    # Generated mainland IDs can collide (random area/date/sequence): keep the first of each.
    seen, unique = set(), []
    for e in experts:
        if e.id_number_index not in seen:
            seen.add(e.id_number_index)
            unique.append(e)
    Expert.objects.bulk_create(unique, batch_size=2000)
    ids = list(Expert.objects.values_list("id", flat=True))
    links = []
    for eid in ids:
        for j, disc in enumerate(rng.sample(leaves, rng.choice([1, 2, 3]))):
            links.append(ExpertDiscipline(expert_id=eid, discipline=disc, primary=j == 0))
    ExpertDiscipline.objects.bulk_create(links, batch_size=5000)
    rels = []
    for eid in rng.sample(ids, len(ids) // 10):
        kind = rng.choice(["relative", "teacher_student", "coauthor", "former_employer"])
        if kind == "former_employer":
            rels.append(ExpertRelation(expert_id=eid, kind=kind, organisation=rng.choice(orgs)))
        else:
            rels.append(ExpertRelation(expert_id=eid, kind=kind, other_expert_id=rng.choice(ids)))
    ExpertRelation.objects.bulk_create(rels, batch_size=5000)


def history(n_rounds: int = 30, seed: int = 2) -> None:
    """Past rounds with assignments and drawn picks, so the time-windowed rules have data to look at."""
    from django.utils import timezone

    from center.accounts.models import User
    from center.experts.models import Discipline, Expert, Organisation
    from center.reviews.enums import DrawState, PickRole
    from center.reviews.models import (
        Application,
        ApplicationParty,
        Assignment,
        Draw,
        DrawPick,
        ReviewGroup,
        ReviewRound,
    )

    rng = random.Random(seed)
    staff = User.objects.get(username="staff_exp")
    ids = list(Expert.objects.values_list("id", flat=True))
    orgs = list(Organisation.objects.values_list("id", flat=True))
    root = Discipline.objects.get(code="520")
    for r in range(n_rounds):
        rnd = ReviewRound.objects.create(
            code=f"H{r}", title=f"历史评审{r}", kind="other", year=2026, created_by=staff, state="approved"
        )
        g = ReviewGroup.objects.create(round=rnd, name="组", discipline=root)
        for a in range(5):
            app = Application.objects.create(
                round=rnd, group=g, code=f"H{r}-{a}", title="历史项目", formal_state="passed"
            )
            ApplicationParty.objects.create(
                application=app, role="applicant", organisation_id=rng.choice(orgs)
            )
        d = Draw.objects.create(
            group=g,
            as_of=timezone.now(),
            pool_hash=f"{r:064d}",
            fixed_by=staff,
            fixed_at=timezone.now(),
            state=DrawState.DRAWN,
            seeded_at=timezone.now(),
        )
        chosen = rng.sample(ids, 10)
        DrawPick.objects.bulk_create(
            [
                DrawPick(
                    draw=d, expert_id=e, rank=i + 1, role=PickRole.MAIN if i < 7 else PickRole.BACKUP, key="k"
                )
                for i, e in enumerate(chosen)
            ]
        )
        Assignment.objects.bulk_create([Assignment(group=g, expert_id=e) for e in chosen[:7]])


def report(name: str, samples_ms: list[float], budget_ms: float | None = None) -> None:
    samples = sorted(samples_ms)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    line = (
        f"{name}: n={len(samples)} median={statistics.median(samples):.1f} ms p95={p95:.1f} ms "
        f"max={samples[-1]:.1f} ms"
    )
    if budget_ms is not None:
        line += f" (budget {budget_ms:.0f} ms: {'OK' if p95 <= budget_ms else 'OVER'})"
    print(line)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out
