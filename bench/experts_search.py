"""Benchmark: expert search on N (default 20,000) experts — the staff search page end to end
(Chinese/English substring, discipline subtree, title, region, state, availability), p95 over mixed queries.
Budget: 100 ms p95.

    .venv/bin/python bench/experts_search.py [N] [QUERIES]
"""

import random
import sys

from _experts_common import history, populate, report, setup_django, timed

QUERIES = [
    "机器学习",
    "视觉",
    "deep learning",
    "wang",
    "Li ",
    "深圳大学",
    "教授",
    "碳中和",
    "photonics",
    "华为",
    "张",
    "半导体",
]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    setup_django()
    populate(n)
    history()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from center.accounts.models import User
    from center.experts.models import Discipline, Expert

    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username="head_exp"))
    rng = random.Random(3)
    codes = list(Discipline.objects.values_list("code", flat=True))
    urls = []
    for _ in range(count):
        params = {}
        if rng.random() < 0.7:
            params["q"] = rng.choice(QUERIES)
        if rng.random() < 0.5:
            params["discipline"] = rng.choice(codes)
        if rng.random() < 0.3:
            params["title_level"] = rng.choice(["3", "4"])
        if rng.random() < 0.3:
            params["region"] = rng.choice(["sz", "hk", "gd"])
        if rng.random() < 0.3:
            params["state"] = "admitted"
        if rng.random() < 0.2:
            params["available"] = "1"
        if rng.random() < 0.3:
            params["page"] = str(rng.randint(1, 5))
        urls.append("/experts/?" + "&".join(f"{k}={v}" for k, v in params.items()))
    print(f"{Expert.objects.count()} experts, {count} mixed queries through the page view")
    client.get(urls[0])
    samples = []
    for url in urls:
        ms, resp = timed(lambda url=url: client.get(url))
        assert resp.status_code == 200, (url, resp.status_code)
        samples.append(ms)
    report("search page (query + count + first 20 rows rendered)", samples, 100)
    htmx = [timed(lambda url=url: client.get(url, headers={"HX-Request": "true"}))[0] for url in urls[:100]]
    report("search results partial (HTMX)", htmx, 100)


if __name__ == "__main__":
    main()
