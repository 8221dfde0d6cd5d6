"""Calendar demo data: nothing beyond the shipped overrides (loaded by migration)."""

from coso.core.demo import DemoContext


def build(ctx: DemoContext) -> None:
    return None
