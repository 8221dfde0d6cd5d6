"""Huey tasks (the consumer imports this module through djhuey's autodiscovery of ``tasks``)."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task


@db_task(name="coso.run_periodic")
def run_periodic_task(name: str, trigger: str, user_id: Any = None) -> str:
    from coso.accounts.models import User
    from coso.jobs.services import run_periodic

    actor = User.objects.filter(pk=user_id).first() if user_id else None
    return run_periodic(name, trigger=trigger, actor=actor).status


@db_task(name="coso.run_export")
def run_export_task(job_id: str) -> str:
    from coso.jobs.services import export_run

    job = export_run(job_id)
    return job.status if job is not None else "missing"
