from django import template

register = template.Library()


@register.filter
def ratio_pct(value, digits=1):  # type: ignore[no-untyped-def]
    """0.5 → "50,0 %" (rates are stored as ratios); None → "—"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}".replace(".", ",") + " %"
