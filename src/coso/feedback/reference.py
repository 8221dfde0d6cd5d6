"""Reference data of the feedback module: categories and response templates."""

from __future__ import annotations

from coso.feedback.services import load_defaults


def load() -> str:
    load_defaults()
    return "danh mục phản ánh và mẫu trả lời"


def is_loaded() -> bool:
    from coso.feedback.models import FeedbackCategory

    return FeedbackCategory.objects.exists()
