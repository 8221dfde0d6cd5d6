"""Demo data for the feedback app (called by `manage.py demo`)."""

from coso.core.demo import DemoContext


def build(ctx: DemoContext) -> None:
    return None
