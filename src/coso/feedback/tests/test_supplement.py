"""What the sender adds when asked (feedback_supplement) is held to the feedback's own limit (svc.SUPPLEMENT_MAX, 4,000
characters) in the service, so that every door is covered: over it a clear refusal, and nothing saved."""

from __future__ import annotations

from django.urls import reverse

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(users, submit):
    fb = submit(actor=users["citizen"])
    return svc.feedback_request_info(feedback=fb, actor=users["onestop"], message="Vui lòng cho biết số nhà gần nhất.")


def _unchanged(fb: Feedback) -> None:
    before = Feedback.objects.filter(pk=fb.pk).values().get()
    assert before["status"] == Feedback.Status.INFO_REQUESTED and before["version"] == fb.version
    assert not fb.events.filter(kind="supplement").exists()
    assert not AuditLog.objects.filter(verb="feedback_supplement").exists()


def test_service_refuses_a_supplement_over_the_limit(users, asked):
    with pytest.raises(ApplicationError) as caught:
        svc.feedback_supplement(feedback=asked, actor=users["citizen"], text="á" * (svc.SUPPLEMENT_MAX + 1))
    assert svc.SUPPLEMENT_MAX == svc.TEXT_MAX == 4000
    assert caught.value.code == "validation-error" and caught.value.message == "Nội dung bổ sung tối đa 4.000 ký tự."
    assert caught.value.details["fields"] == {"text": ["Nội dung bổ sung tối đa 4.000 ký tự."]}
    _unchanged(asked)
    fb = svc.feedback_supplement(feedback=asked, actor=users["citizen"], text="á" * svc.SUPPLEMENT_MAX)  # at the limit: taken whole
    assert fb.status == Feedback.Status.PENDING and fb.events.get(kind="supplement").text == "á" * svc.SUPPLEMENT_MAX


def test_the_page_says_the_limit_and_saves_nothing(client, asked):
    url = reverse("feedback:supplement", args=[asked.pk])
    r = client.post(url, {"key": asked.access_key, "text": "a" * (svc.SUPPLEMENT_MAX + 1)}, follow=True)
    page = r.content.decode()
    assert "Nội dung bổ sung tối đa 4.000 ký tự." in page and "Vui lòng nhập nội dung bổ sung." not in page
    _unchanged(asked)
    assert 'maxlength="4000"' in client.get(reverse("feedback:detail", args=[asked.pk]), {"key": asked.access_key}).content.decode()
    r = client.post(url, {"key": asked.access_key, "text": "Số nhà 12, hẻm 5."}, follow=True)
    assert "Đã gửi thông tin bổ sung." in r.content.decode()
    assert Feedback.objects.get(pk=asked.pk).status == Feedback.Status.PENDING
