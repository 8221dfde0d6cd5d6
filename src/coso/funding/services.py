"""Writes of the funding app: province norms, organisations, scenarios (create, change, adopt), distributions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coso.core.audit import audit_log, audited_create, audited_delete, audited_update
from coso.core.exceptions import ApplicationError, ConflictError
from coso.core.models import AuditLog
from coso.core.scoping import require_roles
from coso.funding.engine import fmt_coef, fmt_money, rnd
from coso.funding.models import CommuneProfile, FundDistribution, Norm, Organisation, Scenario, ScenarioChange
from coso.funding.rules import NORMS_FILE, RuleBook, load_norm_rows, read_norm_file
from coso.funding.selectors import DISTRIBUTE_ROLES, WRITE_ROLES, commune_get, province_for, village_get
from coso.units.models import AdministrativeUnit

STANDARD_ORGS = [
    (Organisation.Kind.MTTQ, "Ủy ban MTTQ Việt Nam"),
    (Organisation.Kind.DOAN, "Đoàn Thanh niên CS Hồ Chí Minh"),
    (Organisation.Kind.PHU_NU, "Hội Liên hiệp Phụ nữ"),
    (Organisation.Kind.NONG_DAN, "Hội Nông dân"),
    (Organisation.Kind.CCB, "Hội Cựu chiến binh"),
]
VILLAGE_POSITIONS = [("bi_thu", "Bí thư chi bộ"), ("truong_thon", "Trưởng thôn/Tổ trưởng tổ dân phố"), ("truong_ban_ctmt", "Trưởng Ban công tác Mặt trận")]


def _dec(value: Any, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError("Giá trị phải là số.", code="invalid-number", details={"fields": {field: ["Giá trị phải là số."]}}) from None
    if not d.is_finite():
        raise ApplicationError("Giá trị phải là số.", code="invalid-number", details={"fields": {field: ["Giá trị phải là số."]}})
    return d


# ----------------------------------------------------------------------------- norms

def norms_load_defaults(*, rows: list[dict] | None = None) -> tuple[int, int]:
    """Load the shipped national defaults (idempotent); rows a province edited are left alone."""
    with transaction.atomic():
        created, updated = load_norm_rows(Norm, rows if rows is not None else read_norm_file(NORMS_FILE))
        if created or updated:
            audit_log(actor=None, action=AuditLog.Action.ACTION, verb="funding-norms-loaded", object_type="funding.Norm",
                      after={"created": created, "updated": updated, "file": NORMS_FILE.name})
    return created, updated


def norm_set(
    *, actor: Any, key: str, value: Any, valid_from: dt.date, source: str, province_code: str | None = None,
    label: str = "", notes: str = "", origin: str = Norm.Origin.PROVINCE, scenario: Scenario | None = None,
    valid_to: dt.date | None = None,
) -> Norm:
    """Give a province its own value for ``key`` from ``valid_from``; the previous province row is closed, kept in history."""
    require_roles(actor, *WRITE_ROLES)
    code = province_for(actor, province_code)
    value = _dec(value, "value")
    if value < 0:
        raise ApplicationError("Giá trị không được âm.", code="negative-value", details={"fields": {"value": ["Giá trị không được âm."]}})
    if not source.strip():
        raise ApplicationError("Cần ghi căn cứ (văn bản, nghị quyết HĐND).", code="source-required", details={"fields": {"source": ["Bắt buộc."]}})
    template = Norm.objects.filter(key=key, province_code__in=["", code]).order_by("-province_code", "-valid_from").first()
    if template is None:
        raise ApplicationError(f"Không có định mức “{key}”.", code="unknown-norm", details={"fields": {"key": [key]}})
    with transaction.atomic():
        rows = list(Norm.objects.select_for_update().filter(province_code=code, key=key).order_by("valid_from"))
        if any(r.valid_from == valid_from for r in rows):
            raise ConflictError("Định mức này đã có một giá trị bắt đầu đúng ngày đó.", code="norm-exists", details={"key": key, "valid_from": valid_from.isoformat()})
        later = [r for r in rows if r.valid_from > valid_from]
        if valid_to is None:
            # Inherit the end of the national rule in force (e.g. the commune part-time fund ending after 31/5/2026).
            nat = (Norm.objects.filter(province_code="", key=key, valid_from__lte=valid_from)
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)).order_by("-valid_from").first())
            ends = [later[0].valid_from] if later else []
            if nat is not None and nat.valid_to:
                ends.append(nat.valid_to)
            valid_to = min(ends) if ends else None
        elif valid_to <= valid_from:
            raise ApplicationError("Ngày hết hiệu lực phải sau ngày bắt đầu.", code="invalid-range", details={"fields": {"valid_to": ["Phải sau ngày bắt đầu."]}})
        for r in rows:
            if r.valid_from < valid_from and (r.valid_to is None or r.valid_to > valid_from):
                audited_update(r, actor=actor, changes={"valid_to": valid_from}, verb="funding-norm-closed")
        norm = Norm(
            province_code=code, key=key, label=label or template.label, value=value, unit=template.unit, valid_from=valid_from,
            valid_to=valid_to, source=source.strip(), confidence="P", notes=notes, origin=origin, scenario=scenario,
        )
        return audited_create(norm, actor=actor, verb="funding-norm-set")


# ----------------------------------------------------------------------------- organisations, profile

def organisations_ensure(*, actor: Any, commune: AdministrativeUnit, associations: list[str] | None = None) -> list[Organisation]:
    """Create the Front and the four socio-political organisations (and given associations) of a commune, idempotently."""
    wanted = [(k.value, "", f"{label} {commune.name}") for k, label in STANDARD_ORGS]
    for code in associations or []:
        norm = Norm.objects.filter(key=f"association.{code}").order_by("-valid_from").first()
        label = norm.label.replace("Hỗ trợ ", "").replace(" cấp xã", "") if norm else code
        wanted.append((Organisation.Kind.ASSOCIATION.value, code, f"{label} {commune.name}"))
    out = []
    with transaction.atomic():
        existing = {(o.kind, o.association_code): o for o in Organisation.objects.filter(commune=commune)}
        for kind, code, name in wanted:
            org = existing.get((kind, code))
            if org is None:
                org = audited_create(
                    Organisation(commune=commune, province_code=commune.province_code, commune_code=commune.code, kind=kind, association_code=code, name=name),
                    actor=actor, verb="funding-organisation-created",
                )
            out.append(org)
    return out


def commune_profile_set(*, actor: Any, commune: AdministrativeUnit, extra_pt_workers: int) -> CommuneProfile:
    require_roles(actor, *WRITE_ROLES)
    commune_get(fetched_by=actor, code=commune.code)
    if extra_pt_workers < 0:
        raise ApplicationError("Số người tăng thêm không được âm.", code="invalid-number")
    with transaction.atomic():
        profile = CommuneProfile.objects.select_for_update().filter(commune=commune).first()
        if profile is None:
            return audited_create(CommuneProfile(commune=commune, province_code=commune.province_code, commune_code=commune.code,
                                                 extra_pt_workers=extra_pt_workers), actor=actor)
        return audited_update(profile, actor=actor, changes={"extra_pt_workers": extra_pt_workers})


# ----------------------------------------------------------------------------- scenarios

def _clean_changes(changes: list[dict], province_code: str) -> list[dict]:
    import fnmatch

    keys = set(Norm.objects.filter(province_code__in=["", province_code]).values_list("key", flat=True))
    errors: dict[str, list[str]] = {}
    out = []
    for i, ch in enumerate(changes):
        key = (ch.get("key") or "").strip()
        mode = ch.get("mode") or "set"
        if not key:
            continue
        if mode not in ScenarioChange.Mode.values:
            errors[f"changes.{i}.mode"] = ["Cách thay đổi không hợp lệ."]
            continue
        if not any(k == key or fnmatch.fnmatchcase(k, key) for k in keys):
            errors[f"changes.{i}.key"] = [f"Không có định mức “{key}”."]
            continue
        try:
            value = Decimal(str(ch.get("value")))
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            errors[f"changes.{i}.value"] = ["Giá trị phải là số."]
            continue
        if mode == "set" and value < 0:
            errors[f"changes.{i}.value"] = ["Giá trị không được âm."]
            continue
        if mode == "percent" and value <= -100:
            errors[f"changes.{i}.value"] = ["Không thể giảm từ 100% trở lên."]
            continue
        out.append({"key": key, "mode": mode, "value": value})
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(f"Thay đổi định mức không hợp lệ: {first}", code="invalid-scenario-change", details={"fields": errors})
    return out


def scenario_create(*, actor: Any, name: str, changes: list[dict], description: str = "", province_code: str | None = None) -> Scenario:
    """A named scenario: the rules in force plus ``changes`` ([{key, mode: set|percent|add, value}])."""
    require_roles(actor, *WRITE_ROLES)
    code = province_for(actor, province_code)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Cần đặt tên kịch bản.", code="name-required", details={"fields": {"name": ["Bắt buộc."]}})
    if Scenario.objects.filter(province_code=code, name=name).exists():
        raise ConflictError("Đã có kịch bản trùng tên.", code="scenario-name-taken", details={"fields": {"name": ["Tên đã dùng."]}})
    cleaned = _clean_changes(changes, code)
    with transaction.atomic():
        sc = audited_create(Scenario(province_code=code, name=name, description=description, created_by=actor), actor=actor, verb="funding-scenario-created")
        for ch in cleaned:
            ScenarioChange.objects.create(scenario=sc, **ch)
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=sc, verb="funding-scenario-changes",
                  after={"changes": [{**c, "value": str(c["value"])} for c in cleaned]})
    return sc


def scenario_update(*, actor: Any, scenario: Scenario, version: int, name: str | None = None, description: str | None = None,
                    changes: list[dict] | None = None) -> Scenario:
    require_roles(actor, *WRITE_ROLES)
    with transaction.atomic():
        sc = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if sc.version != version:
            raise ConflictError("Kịch bản đã được người khác sửa; hãy tải lại.", code="stale-scenario", details={"version": sc.version})
        if sc.status == Scenario.Status.ADOPTED:
            raise ApplicationError("Kịch bản đã áp dụng, không sửa được.", code="scenario-adopted")
        upd: dict[str, Any] = {"version": sc.version + 1}
        if name is not None:
            name = name.strip()
            if not name:
                raise ApplicationError("Cần đặt tên kịch bản.", code="name-required", details={"fields": {"name": ["Bắt buộc."]}})
            if Scenario.objects.filter(province_code=sc.province_code, name=name).exclude(pk=sc.pk).exists():
                raise ConflictError("Đã có kịch bản trùng tên.", code="scenario-name-taken", details={"fields": {"name": ["Tên đã dùng."]}})
            upd["name"] = name
        if description is not None:
            upd["description"] = description
        if changes is not None:
            cleaned = _clean_changes(changes, sc.province_code)
            before = [{"key": c.key, "mode": c.mode, "value": str(c.value)} for c in sc.changes.all()]
            sc.changes.all().delete()
            for ch in cleaned:
                ScenarioChange.objects.create(scenario=sc, **ch)
            audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=sc, verb="funding-scenario-changes",
                      before={"changes": before}, after={"changes": [{**c, "value": str(c["value"])} for c in cleaned]})
        return audited_update(sc, actor=actor, changes=upd, verb="funding-scenario-updated")


def scenario_delete(*, actor: Any, scenario: Scenario) -> None:
    require_roles(actor, *WRITE_ROLES)
    if scenario.status == Scenario.Status.ADOPTED:
        raise ApplicationError("Kịch bản đã áp dụng được giữ lại trong lịch sử, không xoá được.", code="scenario-adopted")
    with transaction.atomic():
        audited_delete(scenario, actor=actor, verb="funding-scenario-deleted")


def scenario_adopt(*, actor: Any, scenario: Scenario, effective_from: dt.date, source: str) -> list[Norm]:
    """Make the scenario the province's rules from ``effective_from``: one new province norm per changed key.

    The rows in force before stay in history (closed the day before); the national defaults are untouched.
    """
    require_roles(actor, *WRITE_ROLES)
    if not (source or "").strip():
        raise ApplicationError("Cần ghi căn cứ áp dụng (số nghị quyết/quyết định).", code="source-required", details={"fields": {"source": ["Bắt buộc."]}})
    with transaction.atomic():
        sc = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if sc.status == Scenario.Status.ADOPTED:
            raise ConflictError("Kịch bản đã được áp dụng.", code="scenario-already-adopted")
        changes = list(sc.changes.all())
        if not changes:
            raise ApplicationError("Kịch bản không thay đổi định mức nào.", code="scenario-empty")
        from coso.funding.rules import Change

        current = RuleBook.load(sc.province_code)
        changed = RuleBook.load(sc.province_code, [Change(c.key, c.mode, c.value) for c in changes])
        created = []
        for ref in changed.in_force(effective_from):
            if ref.original_value is None:
                continue
            old = current.get(ref.key, effective_from)
            created.append(norm_set(
                actor=actor, key=ref.key, value=ref.value, valid_from=effective_from, province_code=sc.province_code,
                source=f"{source.strip()} (kịch bản “{sc.name}”; trước: {old.value.normalize() if old else '—'})",
                origin=Norm.Origin.SCENARIO, scenario=sc, label=ref.label,
            ))
        audited_update(sc, actor=actor, changes={"status": Scenario.Status.ADOPTED, "adopted_from": effective_from,
                                                  "adopted_at": timezone.now(), "version": sc.version + 1}, verb="funding-scenario-adopted")
    return created


# ----------------------------------------------------------------------------- distributions

def _refuse_if_over(fund: int, lines: list[dict], *, what: str) -> None:
    total = sum(ln["amount"] for ln in lines)
    if total > fund:
        raise ApplicationError(
            f"Tổng phụ cấp phân phối {fmt_money(total)} vượt {what} {fmt_money(fund)} (vượt {fmt_money(total - fund)}). "
            "Giảm hệ số hoặc số người hưởng.",
            code="distribution-exceeds-fund",
            details={"fund": fund, "requested": total, "excess": total - fund, "lines": lines},
        )


def village_distribution_preview(*, fetched_by: Any, village_id: Any, month: dt.date, coefficients: dict[str, Any] | None = None) -> dict:
    """The village fund of ``month`` and its split among the (at most 3) paid positions with the province's coefficients."""
    village = village_get(fetched_by=fetched_by, pk=village_id)
    from coso.funding.engine import Period
    from coso.funding.selectors import allocation_compute

    month = month.replace(day=1)
    alloc = allocation_compute(province_code=village.province_code, period=Period(month, 1, ""), commune_codes=[village.commune_code])
    line = next((ln for c in alloc.communes for ln in c.lines if ln.recipient_kind == "village" and ln.recipient_id == village.pk and ln.item == "village_fund"), None)
    if line is None:
        raise ApplicationError("Thôn không có quỹ phụ cấp trong tháng này.", code="no-fund")
    book = RuleBook.load(village.province_code)
    tier = "high" if any(r.key == "village.coef.high" for r in line.rule_list()) else "low"
    base = book.value("base_salary", month)
    assert base is not None, "base_salary rule missing"  # the national rule book always defines it
    max_positions = int(book.value("village.max_positions", month, Decimal(3)))
    coefficients = coefficients or {}
    unknown = [k for k in coefficients if k not in dict(VILLAGE_POSITIONS)]
    if unknown:
        raise ApplicationError("Chức danh không hưởng phụ cấp từ quỹ thôn: " + ", ".join(unknown), code="unknown-position", details={"positions": unknown})
    lines: list[dict[str, Any]] = []
    for code, label in VILLAGE_POSITIONS:
        coef: Decimal | None
        if code in coefficients:
            if coefficients[code] in (None, ""):
                continue
            coef = _dec(coefficients[code], code)
        else:
            coef = book.value(f"village.position.{code}.{tier}", month)
            if coef is None:
                continue
        if coef < 0:
            raise ApplicationError("Hệ số không được âm.", code="invalid-number", details={"fields": {code: ["Không được âm."]}})
        lines.append({"position": code, "label": label, "coefficient": str(coef), "amount": rnd(coef * base),
                      "formula": f"{fmt_coef(coef)} × {fmt_money(base)}"})
    if len(lines) > max_positions:
        raise ApplicationError(f"Thôn chỉ có tối đa {max_positions} chức danh hưởng phụ cấp.", code="too-many-positions", details={"lines": lines})
    fund = line.amount
    return {"village": village, "month": month, "fund": fund, "fund_formula": line.formula, "tier": tier, "lines": lines,
            "total": sum(ln["amount"] for ln in lines), "remaining": fund - sum(ln["amount"] for ln in lines)}


def village_fund_distribute(*, actor: Any, village_id: Any, month: dt.date, coefficients: dict[str, Any] | None = None) -> FundDistribution:
    """Record the split of a village's monthly fund; refuses a split above the fund (and says by how much)."""
    require_roles(actor, *DISTRIBUTE_ROLES)
    preview = village_distribution_preview(fetched_by=actor, village_id=village_id, month=month, coefficients=coefficients)
    _refuse_if_over(preview["fund"], preview["lines"], what="quỹ phụ cấp của thôn")
    v = preview["village"]
    with transaction.atomic():
        return audited_create(FundDistribution(
            kind=FundDistribution.Kind.VILLAGE, commune_id=v.commune_id, village=v, province_code=v.province_code, commune_code=v.commune_code,
            month=preview["month"], fund=preview["fund"], total=preview["total"], lines=preview["lines"], created_by=actor,
        ), actor=actor, verb="funding-village-distribution")


def commune_pt_fund_distribute(*, actor: Any, commune_code: str, month: dt.date, workers: list[dict]) -> FundDistribution:
    """Split the commune part-time fund among workers [{name, title, coefficient}]; refuses more than the fund."""
    require_roles(actor, *DISTRIBUTE_ROLES)
    commune = commune_get(fetched_by=actor, code=commune_code)
    from coso.funding.engine import Period
    from coso.funding.selectors import allocation_compute

    month = month.replace(day=1)
    alloc = allocation_compute(province_code=commune.province_code, period=Period(month, 1, ""), commune_codes=[commune.code])
    fund = sum(ln.amount for c in alloc.communes for ln in c.lines if ln.item == "commune_pt")
    if fund == 0:
        raise ApplicationError(
            "Không còn quỹ phụ cấp người hoạt động không chuyên trách cấp xã trong tháng này (chế độ kết thúc sau 31/5/2026 hoặc theo quyết định của tỉnh).",
            code="no-fund", details={"month": month.isoformat()},
        )
    base = RuleBook.load(commune.province_code).value("base_salary", month)
    assert base is not None, "base_salary rule missing"  # the national rule book always defines it
    default = RuleBook.load(commune.province_code).value("commune_pt.position.default", month, Decimal("1.0"))
    lines: list[dict[str, Any]] = []
    for i, w in enumerate(workers):
        name = (w.get("name") or "").strip()
        if not name:
            raise ApplicationError("Thiếu họ tên người hưởng.", code="invalid-worker", details={"fields": {f"workers.{i}.name": ["Bắt buộc."]}})
        coef = _dec(w.get("coefficient", default) if w.get("coefficient") not in (None, "") else default, f"workers.{i}.coefficient")
        if coef < 0:
            raise ApplicationError("Hệ số không được âm.", code="invalid-number", details={"fields": {f"workers.{i}.coefficient": ["Không được âm."]}})
        lines.append({"name": name, "title": w.get("title", ""), "coefficient": str(coef), "amount": rnd(coef * base),
                      "formula": f"{fmt_coef(coef)} × {fmt_money(base)}"})
    _refuse_if_over(fund, lines, what="quỹ phụ cấp người hoạt động không chuyên trách của xã")
    with transaction.atomic():
        return audited_create(FundDistribution(
            kind=FundDistribution.Kind.COMMUNE_PT, commune=commune, province_code=commune.province_code, commune_code=commune.code,
            month=month, fund=fund, total=sum(ln["amount"] for ln in lines), lines=lines, created_by=actor,
        ), actor=actor, verb="funding-commune-pt-distribution")

