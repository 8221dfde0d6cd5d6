"""Demo data for the procedures app (called by `manage.py demo`): the shipped catalogue."""

from coso.core.demo import DemoContext
from coso.procedures.services import load_procedures


def build(ctx: DemoContext) -> None:
    bar = ctx.progress("Thủ tục hành chính")
    load_procedures(progress=bar.update)
    bar.finish()
