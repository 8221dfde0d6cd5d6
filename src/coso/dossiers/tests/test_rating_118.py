"""Ratings: Decree 118/2025 Art. 33(1)'s nine criteria through Art. 31(1)'s channels from 1/7/2025; the older twelve before."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.dossiers import services
from coso.dossiers.models import Dossier, DossierRating
from coso.dossiers.tests.conftest import act

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def _returned(receive, users, day):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=TZ), tick=False):
        d = receive()
        d.owner = users["citizen"]
        d.save(update_fields=["owner"])
        act(d, users["onestop"], "forward")
        act(d, users["specialist"], "forward")
        act(d, users["leader"], "approve")
        act(d, users["onestop"], "result_ready")
        return act(d, users["onestop"], "return_result")


def test_nine_criteria_from_1_7_2025(receive, users, login):
    d = _returned(receive, users, dt.date(2025, 8, 4))
    keys = [k for k, _l in services.rating_criteria(d)]
    assert keys == ["time", "agencies", "contacts", "information", "attitude", "result_costs", "feedback", "online", "other"]
    c = login(users["citizen"])
    page = c.get(f"/dossiers/{d.pk}/rate/").content.decode()
    assert "Thời gian, chất lượng giải trình đối với phản ánh, kiến nghị" in page and "Sự thuận tiện" not in page
    with pytest.raises(ApplicationError) as e:  # an old criterion is refused
        services.rate(actor=users["citizen"], dossier_id=d.pk, level="satisfied", criteria={"convenience": 2})
    assert e.value.code == "invalid-criteria"
    with pytest.raises(ApplicationError) as e:  # "điều tra xã hội học" is no longer a channel
        services.rate(actor=users["citizen"], dossier_id=d.pk, level="satisfied", channel="survey")
    assert e.value.code == "invalid-rating-channel"
    api = c.get(f"/api/v1/dossiers/{d.pk}/rating-criteria").json()
    assert len(api["criteria"]) == 9 and api["channels"] == ["portal"]  # a citizen rates online
    api = login(users["onestop"]).get(f"/api/v1/dossiers/{d.pk}/rating-criteria").json()
    assert api["channels"] == ["form", "device", "portal", "camera", "box", "other"]
    c = login(users["citizen"])
    r = c.post(
        f"/api/v1/dossiers/{d.pk}/rating",
        {"level": "very_satisfied", "criteria": {"time": 2, "attitude": 2, "online": 1}},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["channel"] == "portal" and r.json()["criteria"] == {"time": 2, "attitude": 2, "online": 1}


def test_officer_enters_a_paper_form_rating(receive, users):
    d = _returned(receive, users, dt.date(2025, 8, 4))
    r = services.rate(actor=users["onestop"], dossier_id=d.pk, level="satisfied", criteria={"contacts": 1})
    assert r.channel == "form"


def test_twelve_criteria_before_1_7_2025(receive, users):
    d = _returned(receive, users, dt.date(2025, 6, 2))
    assert len(services.rating_criteria(d)) == 12
    r = services.rate(actor=users["onestop"], dossier_id=d.pk, level="satisfied", criteria={"convenience": 2}, channel="survey")
    assert r.criteria == {"convenience": 2} and r.channel == "survey"


def test_criteria_labels_follow_the_readers_language_and_a_provinces_own_labels_stay_as_typed(receive, users, login):
    from coso.rules.testing import set_rule

    new = _returned(receive, users, dt.date(2025, 8, 4))
    old = _returned(receive, users, dt.date(2025, 6, 2))
    c = login(users["citizen"])
    vi = {k: label for k, label in services.rating_criteria(new)}
    assert vi["feedback"] == "Thời gian, chất lượng giải trình đối với phản ánh, kiến nghị"
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for d, key, english in ((new, "feedback", "Time and quality of explanations in answer to feedback and petitions"),
                            (new, "other", "Other criteria"), (old, "convenience", "Convenience")):
        labels = {x["key"]: x["label"] for x in c.get(f"/api/v1/dossiers/{d.pk}/rating-criteria").json()["criteria"]}
        assert labels[key] == english
        assert all(label.isascii() for label in labels.values()), labels
        page = c.get(f"/dossiers/{d.pk}/rate/").content.decode()
        assert english in page
    assert "Thời gian, chất lượng giải trình" not in c.get(f"/dossiers/{new.pk}/rate/").content.decode()
    # A province that words its own criteria: shown as the province typed them, in either language.
    set_rule("onestop.rating.criteria", [{"key": "time", "label": "Thời gian trả kết quả"}, {"key": "home", "label": "Tiêu chí riêng của tỉnh"}],
             valid_from=dt.date(2025, 7, 1), province_code=new.province_code)
    labels = [x["label"] for x in c.get(f"/api/v1/dossiers/{new.pk}/rating-criteria").json()["criteria"]]
    assert labels == ["Thời gian trả kết quả", "Tiêu chí riêng của tỉnh"]


def test_rating_errors_in_english_name_the_field_in_english(receive, users, login):
    d = _returned(receive, users, dt.date(2025, 8, 4))
    c = login(users["citizen"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "nope"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"]["level"] == [
        "The satisfaction level is one of: very_satisfied (Very satisfied); satisfied (Satisfied); unsatisfied (Dissatisfied)."]
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"]["level"] == ["Required."]
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "satisfied", "comment": "x" * 5000}, content_type="application/json")
    assert r.status_code == 400 and r.json()["message"].startswith("Comment ") and "Ý kiến" not in r.json()["message"]

@pytest.mark.parametrize("day", [dt.date(2025, 8, 4), dt.date(2025, 6, 2)])
def test_a_citizen_rating_online_is_recorded_with_the_online_channel(receive, users, login, day):
    """Art. 31(1): a citizen's own rating goes through the online function; it could be recorded as a paper form, a
    device at the counter or a survey by sending that channel."""
    d = _returned(receive, users, day)
    c = login(users["citizen"])
    version = Dossier.objects.get(pk=d.pk).version
    for channel in ("form", "device", "camera", "box", "other", "survey", "nonsense"):
        r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "satisfied", "channel": channel}, content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == "invalid-rating-channel", (channel, r.content)
        assert "Đánh giá trực tuyến tại Cổng Dịch vụ công quốc gia" in r.json()["details"]["fields"]["channel"][0]
    assert not DossierRating.objects.filter(dossier=d).exists() and Dossier.objects.get(pk=d.pk).version == version
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "satisfied", "channel": "portal"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["channel"] == "portal"


def test_an_officer_still_chooses_among_the_rules_channels(receive, users, login):
    d = _returned(receive, users, dt.date(2025, 8, 4))
    c = login(users["onestop"])
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "satisfied", "channel": "survey"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-rating-channel"
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "satisfied", "channel": "device"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["channel"] == "device"


def test_the_rating_page_shows_its_form_only_to_who_may_rate_now(receive, users, login):
    """The rating page showed its form on GET to anyone who could read the dossier (the leader, the province) and for
    a dossier not returned yet or rated already, a form the service could only refuse; they now land on the
    dossier's page with a note, while its applicant (and the one-stop officer, for a paper form) get the form."""
    d = _returned(receive, users, dt.date(2025, 8, 4))
    url = f"/dossiers/{d.pk}/rate/"
    for who in ("leader", "specialist", "province_home_affairs"):
        r = login(users[who]).get(url)
        assert r.status_code == 302 and r["Location"] == f"/dossiers/{d.pk}/", (who, r.status_code)
    for who in ("citizen", "onestop"):
        r = login(users[who]).get(url)
        assert r.status_code == 200 and 'name="level"' in r.content.decode(), who
    services.rate(actor=users["citizen"], dossier_id=d.pk, level="satisfied")
    c = login(users["citizen"])
    r = c.get(url)
    assert r.status_code == 302 and r["Location"] == f"/dossiers/{d.pk}/"
    assert "không có gì để ông/bà đánh giá" in c.get(r["Location"]).content.decode()
    running = receive()
    r = login(users["onestop"]).get(f"/dossiers/{running.pk}/rate/")
    assert r.status_code == 302
    assert login(users["other_onestop"]).get(url).status_code == 404  # another commune: as before
