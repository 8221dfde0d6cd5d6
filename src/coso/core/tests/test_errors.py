from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

import pytest

from coso.core.errors import ErrorCode, apply_to_form, catalogue
from coso.core.exceptions import ConflictError


def test_error_codes_render_in_the_request_language_and_map_onto_fields():
    e = ErrorCode("test-bad-date", _("Ngày không hợp lệ."), field="day")
    exc = e()
    assert exc.code == "test-bad-date" and exc.status == 400 and exc.details == {"fields": {"day": ["Ngày không hợp lệ."]}}
    with translation.override("en"):
        assert e().message in ("Invalid date.", "Ngày không hợp lệ.")  # English when the catalogue has it
    assert isinstance(ErrorCode("test-stale", _("Đã có người sửa trước."), status=409)(), ConflictError)
    assert "test-bad-date" in {x.code for x in catalogue()}
    with pytest.raises(ValueError):
        ErrorCode("test-bad-date", "Another message", status=409)  # one code, one HTTP status

    class F(forms.Form):
        day = forms.DateField()

    f = F({"day": "2026-01-01"})
    assert f.is_valid()
    apply_to_form(f, exc)
    assert f.errors["day"] == ["Ngày không hợp lệ."] and f.non_field_errors() == ["Ngày không hợp lệ."]
