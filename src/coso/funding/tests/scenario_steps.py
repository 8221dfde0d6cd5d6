"""The steps a province finance officer takes with a scenario through the API: create it, read its comparison, adopt it,
read the allocation after. Shared by the tests that hold the comparison and the adoption to the same figures."""

from __future__ import annotations

from typing import Any


def totals(client: Any, period: str) -> dict[str, int]:
    """Each commune's allocation for ``period`` under the rules in force."""
    r = client.get(f"/api/v1/funding/allocation?period={period}")
    assert r.status_code == 200, r.content
    return {c["code"]: c["total"] for c in r.json()["communes"]}


def compared(client: Any, name: str, changes: list[dict[str, str]], period: str) -> tuple[int, dict[str, int]]:
    """Create the scenario and return its id and each commune's total the comparison shows for ``period``."""
    r = client.post("/api/v1/funding/scenarios", {"name": name, "changes": changes}, content_type="application/json")
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = client.get(f"/api/v1/funding/scenarios/compare?ids={sid}&period={period}")
    assert r.status_code == 200, r.content
    return sid, {row["key"]: row["values"][1] for row in r.json()["communes"]}


def adopt(client: Any, sid: int, effective_from: str = "2027-01-01", source: str = "NQ 9/2026") -> None:
    r = client.post(f"/api/v1/funding/scenarios/{sid}/adopt", {"effective_from": effective_from, "source": source},
                    content_type="application/json")
    assert r.status_code == 200, r.content
