"""planning_profiles with several planned posts per person: the gaps it gives (shared between people with the same
qualifications) equal a direct check of each person against each post, as ``standard_gaps`` computes it."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from coso.workforce import rules
from coso.workforce import selectors as wf
from coso.workforce.models import Person

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 1)
POSTS = ["ct_ubnd", "pct_ubnd", "cvp", "tp_kinh_te", "pgd_ttphc", "bi_thu"]


def _random_person(rng: random.Random, commune, i: int) -> Person:
    pick = lambda key: rng.choice(rules.LEVELS[key])  # noqa: E731
    return Person.objects.create(
        full_name=f"Người {i}", birth_date=dt.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28)),
        gender=rng.choice(["male", "female"]), kind=rng.choice(["cadre", "civil_servant"]), position_code=rng.choice(["cv_vp", "cv_vh"]),
        general_education=pick("general_education"), degree_level=pick("degree_level"), degree_field=rng.choice([*rules.DEGREE_FIELDS, ""]),
        political_theory=pick("political_theory"), state_management=pick("state_management"), it=pick("it"),
        foreign_language=pick("foreign_language"), citizen_id="", province_code=commune.province_code, commune_code=commune.code,
        started_on=dt.date(2015, 1, 1))


def test_gaps_for_several_posts_equal_a_direct_check_per_person(commune):
    rng = random.Random(11)
    people = [_random_person(rng, commune, i) for i in range(80)]
    posts = {p.pk: set(rng.sample(POSTS, rng.randint(1, 3))) for p in people}
    profiles = wf.planning_profiles(list(posts), on=ON, target_sets=posts, current_gaps=False)
    direct = wf.standard_gaps([(pid, post) for pid, ps in posts.items() for post in ps], on=ON)
    assert any(direct.values()) and not all(direct.values())  # some people meet a post's standards, some do not
    for pid, ps in posts.items():
        assert "gaps_current" not in profiles[pid]
        assert set(profiles[pid]["gaps_by_target"]) == ps
        for post in ps:
            assert profiles[pid]["gaps_by_target"][post] == direct[(pid, post)], (pid, post)
    with_current = wf.planning_profiles(list(posts), on=ON, targets={pid: next(iter(ps)) for pid, ps in posts.items()})
    for pid, ps in posts.items():
        assert with_current[pid]["gaps_target"] == direct[(pid, next(iter(ps)))]
        assert "gaps_current" in with_current[pid]
