"""The page's action form showed a bad assignee or step as "None: Nhập một số nguyên." (the fields had no label): each
error now names its field as the form labels it. Nothing changes."""

from __future__ import annotations

import pytest

from coso.dossiers.models import Dossier
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("action", "field", "label"), [("assign", "assignee_id", "Giao cho (không chọn: cả nhóm vai trò)"),
                                                        ("send_back", "to_step", "Trả về bước")])
def test_a_bad_assignee_or_step_is_named_by_its_label(login, users, commune, version, action, field, label):
    d = DossierFactory(staff=users, commune=commune, procedure_version=version)
    r = login(users["onestop"]).post(f"/dossiers/{d.pk}/act/{action}/", {"version": d.version, field: "abc"})
    assert r.status_code == 400
    error = r.context["action_error"]
    assert "None" not in error and error.startswith(f"{label}:"), error
    fresh = Dossier.objects.get(pk=d.pk)
    assert (fresh.version, fresh.events.count()) == (d.version, d.events.count())


def test_a_field_without_a_label_is_named_by_its_name_and_a_form_error_has_no_prefix(login, users, commune, version, monkeypatch):
    """A field with no label showed "None: …" and an error of the whole form ": …": the field's name is shown instead, and
    the form's own error alone."""
    from django import forms as django_forms

    from coso.dossiers.forms import ActionForm

    monkeypatch.setattr(ActionForm.base_fields["to_step"], "label", None)

    def clean(self):  # type: ignore[no-untyped-def]
        raise django_forms.ValidationError("Lỗi của cả biểu mẫu.")

    d = DossierFactory(staff=users, commune=commune, procedure_version=version)
    c = login(users["onestop"])
    r = c.post(f"/dossiers/{d.pk}/act/send_back/", {"version": d.version, "to_step": "abc"})
    assert r.status_code == 400
    assert r.context["action_error"].startswith("to_step: "), r.context["action_error"]
    monkeypatch.setattr(ActionForm, "clean", clean)
    r = c.post(f"/dossiers/{d.pk}/act/send_back/", {"version": d.version})
    assert r.status_code == 400
    assert r.context["action_error"] == "Lỗi của cả biểu mẫu.", r.context["action_error"]
    fresh = Dossier.objects.get(pk=d.pk)
    assert (fresh.version, fresh.events.count()) == (d.version, d.events.count())
