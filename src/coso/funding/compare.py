"""Scenario comparison: the current rules beside up to four scenarios, per province, commune, village, organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from coso.funding.engine import CATEGORIES, ORG_LABELS, Period, allocate_commune, cyclic_gc_paused
from coso.funding.rule_keys import ASSOCIATION_NAMES
from coso.funding.rules import Change, RuleBook

MAX_SCENARIOS = 4


@dataclass
class Row:
    key: str
    name: str
    parent: str
    values: list[int]

    @property
    def diffs(self) -> list[int]:
        return [v - self.values[0] for v in self.values[1:]]

    @property
    def max_gain(self) -> int:
        return max(self.diffs, default=0)


@dataclass
class Comparison:
    period: Period
    province_code: str
    columns: list[dict[str, Any]]
    totals: list[int] = field(default_factory=list)
    categories: list[Row] = field(default_factory=list)
    communes: list[Row] = field(default_factory=list)
    villages: list[Row] = field(default_factory=list)
    organisations: list[Row] = field(default_factory=list)  # per organisation kind, province-wide
    recipients: list[Row] = field(default_factory=list)  # every organisation and village

    @property
    def total_diffs(self) -> list[int]:
        return [t - self.totals[0] for t in self.totals[1:]]

    def gainers(self, limit: int = 20) -> list[Row]:
        rows = [r for r in self.recipients if r.max_gain > 0]
        rows.sort(key=lambda r: (-r.max_gain, r.parent, r.name))
        return rows[:limit]


def compare(*, province_code: str, period: Period, scenarios: list[Any], inputs_factory: Any) -> Comparison:
    """``scenarios[0]`` should be None (the rules in force); ``inputs_factory()`` yields engine inputs each call."""
    books = []
    columns = []
    for sc in scenarios:
        if isinstance(sc, tuple):  # (name, [Change, ...]) — an unsaved scenario (benchmarks, previews)
            name, changes = sc
            books.append(RuleBook.load(province_code, changes))
            columns.append({"id": None, "name": name})
            continue
        changes = [Change(c.key, c.mode, c.value) for c in sc.changes.all()] if sc is not None else []
        books.append(RuleBook.load(province_code, changes))
        columns.append({"id": sc.pk if sc else None, "name": sc.name if sc else gettext("Quy định hiện hành")})
    n = len(books)
    result = Comparison(period=period, province_code=province_code, columns=columns, totals=[0] * n)
    communes: dict[str, Row] = {}
    villages: dict[int, Row] = {}
    orgs: dict[str, Row] = {}
    recipients: dict[str, Row] = {}
    cats = {k: Row(k, str(label), "", [0] * n) for k, label in CATEGORIES}
    # The recipients' rows by kind and id (``villages`` is the village kind's), in ``recipients`` under "kind:id" too.
    rows_by_kind: dict[str, dict[int, Row]] = {"commune": {}, "organisation": {}, "village": villages}
    # One pass over the data; each commune is computed under every scenario while its rows are in memory.
    with cyclic_gc_paused():
        for commune, vills, organisations in inputs_factory():
            org_key = {}
            for org in organisations:
                key = org.kind if org.kind != "association" else f"association.{org.association_code}"
                org_key[org.id] = key
                if key not in orgs:
                    # A kind of organisation, summed over the province: named by its kind, never by one commune's organisation.
                    label = str(ORG_LABELS.get(org.kind, org.kind)) if org.kind != "association" else ASSOCIATION_NAMES.get(org.association_code, _association_label(org.name))
                    orgs[key] = Row(key, label, "", [0] * n)
            row = communes.get(commune.code)
            if row is None:
                row = communes[commune.code] = Row(commune.code, commune.name, "", [0] * n)
            for i, book in enumerate(books):
                res = allocate_commune(book, period, commune, vills, organisations, detail=False)
                # Recipient by recipient (each one's template holds its total and its amount per category), not line by line.
                for kind, rid, name, t, _ in res.recipients():
                    amount = t.amount
                    row.values[i] += amount
                    result.totals[i] += amount
                    for category, part in t.by_category:
                        cats[category].values[i] += part
                    by_id = rows_by_kind[kind]
                    rec = by_id.get(rid)
                    if rec is None:
                        rk = f"{kind}:{rid}"
                        rec = by_id[rid] = recipients[rk] = Row(rk, name, commune.name, [0] * n)
                    rec.values[i] += amount
                    if kind == "organisation":
                        orgs[org_key[rid]].values[i] += amount
    result.categories = list(cats.values())
    result.communes = list(communes.values())
    result.villages = list(villages.values())
    result.organisations = sorted(orgs.values(), key=lambda r: r.key)
    result.recipients = list(recipients.values())
    return result


def _association_label(name: str) -> str:
    low = name.lower()
    for sep in (" xã ", " phường ", " đặc khu "):
        if sep in low:
            return name[: low.index(sep)]
    return name
