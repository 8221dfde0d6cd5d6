"""Report the funding scenarios whose norm changes leave the bounds their rules declare.

    manage.py funding_scenarios_check                 # every province
    manage.py funding_scenarios_check --province 79

Scenarios saved before the scenario pages checked the bounds (commit 28dc017) may hold such values (a norm of 10^14
đồng). The pages list them flagged and leave them out of comparisons and adoption; this command names them so that an
operator can correct them (PATCH /api/v1/funding/scenarios/{id} with new changes, or the scenario page) or delete them.
Exits with an error when it finds one (for a monitoring job); changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "List the funding scenarios whose norm changes leave the rules' declared bounds (exit status 1 when there are any)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--province", help="Only the scenarios of this province (code).")

    def handle(self, *args: Any, **options: Any) -> None:
        from coso.funding.models import Scenario
        from coso.funding.selectors import scenario_bound_problems

        qs = Scenario.objects.prefetch_related("changes").order_by("province_code", "id")
        if options.get("province"):
            qs = qs.filter(province_code=options["province"])
        scenarios = list(qs)
        problems = scenario_bound_problems(scenarios)
        for sc in scenarios:
            for line in problems.get(sc.pk, []):
                self.stdout.write(f"{sc.province_code} #{sc.pk} “{sc.name}” ({sc.status}): {line}")
        if problems:
            raise CommandError(f"{len(problems)} of {len(scenarios)} scenarios have norm values outside their rules' bounds.")
        self.stdout.write(self.style.SUCCESS(f"All {len(scenarios)} scenarios are within their rules' bounds."))
