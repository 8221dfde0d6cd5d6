"""Form components (issue 13, items 26 and 27): help texts are tied to their input, errors are summarised
at the top of the form with a link to each field, checkboxes sit beside their label."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class SampleForm(forms.Form):
    name = forms.CharField(label="Họ và tên", help_text="Ghi đầy đủ, có dấu.")
    file = forms.CharField(label="Tệp đính kèm", required=False)
    agree = forms.BooleanField(label="Tôi đồng ý", help_text="Bắt buộc.")

    def clean(self):  # type: ignore[no-untyped-def]
        super().clean()
        self.add_error("file", "Tệp quá lớn: tối đa 10 MB.")
        raise forms.ValidationError("Hồ sơ chưa đủ giấy tờ bắt buộc.")


def _field(form, name):  # type: ignore[no-untyped-def]
    return render_to_string("components/_field.html", {"field": form[name]})


def test_help_text_id_is_the_one_the_input_points_to():
    form = SampleForm()
    for name in ("name", "agree"):
        html = _field(form, name)
        described = re.search(r'aria-describedby="([^"]+)"', html)
        assert described, html
        for ref in described.group(1).split():
            assert f'id="{ref}"' in html, (ref, html)


def test_error_summary_lists_every_error_with_a_link_to_its_field():
    form = SampleForm(data={"name": ""})
    assert not form.is_valid()
    html = render_to_string("components/_form_errors.html", {"form": form})
    assert 'class="form-errors error-summary"' in html and 'role="alert"' in html and 'tabindex="-1"' in html
    assert "Hồ sơ chưa đủ giấy tờ bắt buộc." in html  # non-field error
    assert 'href="#id_name"' in html and 'href="#id_file"' in html and 'href="#id_agree"' in html
    assert "Tệp quá lớn: tối đa 10 MB." in html
    assert render_to_string("components/_form_errors.html", {"form": SampleForm()}).strip() == ""


def test_field_errors_have_one_id_and_checkbox_precedes_label():
    form = SampleForm(data={"name": ""})
    form.is_valid()
    html = _field(form, "name")
    assert html.count('id="id_name_error"') == 1
    check = _field(form, "agree")
    assert "field-check" in check
    assert check.index('type="checkbox"') < check.index("<label")
