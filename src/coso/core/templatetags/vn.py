"""Vietnamese display filters: {{ amount|money }}, {{ day|vdate }}, {{ cccd|masked:request.user }},
{{ entry.verb|verb_label }}."""

from django import template

from coso.core.audit_display import verb_label as _verb_label
from coso.core.masking import mask_citizen_id
from coso.core.text import format_date, format_money

register = template.Library()


@register.filter
def money(value):  # type: ignore[no-untyped-def]
    return format_money(value)


@register.filter
def vdate(value):  # type: ignore[no-untyped-def]
    return format_date(value)


@register.filter
def masked(value, user):  # type: ignore[no-untyped-def]
    return mask_citizen_id(value, user)


@register.filter
def percent(value, digits=1):  # type: ignore[no-untyped-def]
    if value is None:
        return "N/A"
    return f"{float(value):.{int(digits)}f}".replace(".", ",") + " %"


@register.filter
def verb_label(value):  # type: ignore[no-untyped-def]
    """An audit entry's action code as the reader's language names it (the code when it has no label)."""
    return _verb_label(value or "")


@register.simple_tag(takes_context=True)
def page_query(context, number):  # type: ignore[no-untyped-def]
    """The query string of another page of a list: every parameter of the request, each value of a repeated one kept
    (``?status=a&status=b``), and ``page`` set to ``number``."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["page"] = str(number)
    return query.urlencode()
