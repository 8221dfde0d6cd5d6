"""JSON API of the accounts app (mounted at /api/v1/accounts/). Errors: {code, message, details}."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from ninja import File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from coso.accounts import errors, services
from coso.accounts.models import Delegation, User
from coso.accounts.selectors import delegate_choices, delegation_get, delegation_list, staff_get, staff_list
from coso.core import json_input
from coso.core.api_body import body_in_scope, json_body_doc
from coso.core.exceptions import ApplicationError
from coso.core.security import audit_ip
from coso.core.types import AuthedHttpRequest

router = Router(tags=["accounts"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


class AccountOutBase(Schema):
    """What every account answer shows (the staff register's rows and the person's own account)."""

    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    unit_code: str | None
    unit_name: str | None
    province_code: str
    commune_code: str
    email: str
    phone: str
    has_password: bool
    otp_enabled: bool

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_unit_code(obj: User) -> str | None:
        return obj.unit.code if obj.unit else None

    @staticmethod
    def resolve_unit_name(obj: User) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_has_password(obj: User) -> bool:
        return obj.has_usable_password()

    @staticmethod
    def resolve_otp_enabled(obj: User) -> bool:
        return services.otp_enabled(obj)


class StaffOut(AccountOutBase):
    is_active: bool
    last_login: dt.datetime | None


class StaffIn(Schema):
    username: str = Field(..., max_length=150)
    full_name: str = Field(..., min_length=1, max_length=200)
    role: str = Field(..., max_length=32)
    unit_code: str = Field("", max_length=8)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    citizen_id: str = Field("", max_length=12)


class StaffPatch(Schema):
    full_name: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=32)
    unit_code: str | None = Field(None, max_length=8)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    citizen_id: str | None = Field(None, max_length=12)


class CreatedOut(Schema):
    account: StaffOut
    channels: list[str]
    link: str | None = Field(None, description="Set-password link, only when no channel could deliver it (hand it over in person).")


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class SentOut(Schema):
    channels: list[str]
    link: str | None


class FromRegisterIn(Schema):
    commune_code: str = Field(..., max_length=8)
    person_ids: list[int] = Field(..., min_length=1, max_length=500)
    role: str = Field("", max_length=32, description="Empty: the role suggested by each person's position.")


class SignupCodeIn(Schema):
    contact: str = Field(..., max_length=254, description="Mobile phone number (10 digits) or e-mail address.")


class SignupCodeOut(Schema):
    channel: str
    destination: str
    expires_at: dt.datetime


class SignupIn(Schema):
    contact: str = Field(..., max_length=254)
    code: str = Field(..., max_length=10)
    full_name: str = Field(..., max_length=200)
    password: str = Field(..., max_length=128)


class CitizenOut(Schema):
    id: int
    username: str
    full_name: str
    role: str


def _out(user: User) -> User:
    return user


def _unit(actor: Any, code: str | None) -> Any:
    if not code:
        return None
    unit = next((u for u in services.manageable_units(actor) if u.code == code), None)
    if unit is None:
        raise errors.UNIT_VALIDATION_ERROR(field="unit_code")
    return unit


def _require_manager(request: HttpRequest) -> None:
    if not services.can_manage_accounts(request.user):
        from django.http import Http404

        raise Http404


@router.get("/staff", response=list[StaffOut], summary="Staff accounts the caller manages")
@paginate
def staff_index(request: AuthedHttpRequest, q: str = "", role: str = "", unit: str = "", status: str = "") -> Any:
    _require_manager(request)
    return staff_list(fetched_by=request.user, q=q, role=role, unit=unit, status=status)


@router.get("/staff/{int:pk}", response={200: StaffOut, 404: ErrorOut}, summary="One staff account")
def staff_show(request: AuthedHttpRequest, pk: int) -> Any:
    return _out(staff_get(fetched_by=request.user, pk=pk))


def _unit_errors_as_sent(exc: ApplicationError) -> ApplicationError:
    """The services name the unit ``unit`` (the form's field); the API's request sends ``unit_code``: an error on the unit
    is reported under the field the caller sent, so a client can show it beside that field."""
    fields = exc.details.get("fields")
    if isinstance(fields, dict) and "unit" in fields:
        fields["unit_code"] = [*fields.get("unit_code", []), *fields.pop("unit")]
    return exc


@router.post("/staff", response={201: CreatedOut, 400: ErrorOut, 403: ErrorOut}, summary="Create a staff account (set-password link sent)")
def staff_create(request: AuthedHttpRequest, payload: StaffIn) -> Any:
    data = payload.dict()
    unit = _unit(request.user, data.pop("unit_code"))
    try:
        user, sent = services.staff_create(actor=request.user, unit=unit, **data)
    except ApplicationError as exc:
        raise _unit_errors_as_sent(exc) from None
    return Status(201, {"account": _out(user), **sent})


@router.patch("/staff/{int:pk}", response={200: StaffOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Edit a staff account",
              openapi_extra=json_body_doc(StaffPatch))
def staff_patch(request: AuthedHttpRequest, pk: int) -> Any:
    # The bodies of the endpoints on one account are read once it is one the caller manages: another unit's answers 404
    # whatever the body, as a missing one (coso.core.api_body).
    target = staff_get(fetched_by=request.user, pk=pk)
    payload = body_in_scope(request, StaffPatch, lambda: target)
    changes = payload.dict(exclude_unset=True)
    if "unit_code" in changes:
        changes["unit"] = _unit(request.user, changes.pop("unit_code"))
    changes = {k: v for k, v in changes.items() if v is not None or k == "unit"}
    # A field the schema does not declare (username, is_active, is_superuser…) is not dropped with a 200 that changed nothing:
    # the service refuses it (invalid-fields).
    body = json.loads(request.body or b"{}")
    changes.update(dict.fromkeys(set(body if isinstance(body, dict) else ()) - set(StaffPatch.model_fields)))
    try:
        return _out(services.staff_update(actor=request.user, user=target, **changes))
    except ApplicationError as exc:
        raise _unit_errors_as_sent(exc) from None


@router.post("/staff/{int:pk}/deactivate", response={200: StaffOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Deactivate (sign-in and tokens stop)",
             openapi_extra=json_body_doc(ReasonIn))
def staff_deactivate(request: AuthedHttpRequest, pk: int) -> Any:
    target = staff_get(fetched_by=request.user, pk=pk)
    payload = body_in_scope(request, ReasonIn, lambda: target)
    return _out(services.staff_deactivate(actor=request.user, user=target, reason=payload.reason))


@router.post("/staff/{int:pk}/reactivate", response={200: StaffOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Reactivate",
             openapi_extra=json_body_doc(ReasonIn))
def staff_reactivate(request: AuthedHttpRequest, pk: int) -> Any:
    target = staff_get(fetched_by=request.user, pk=pk)
    payload = body_in_scope(request, ReasonIn, lambda: target)
    return _out(services.staff_reactivate(actor=request.user, user=target, reason=payload.reason))


@router.post("/staff/{int:pk}/password-reset", response={200: SentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Send a one-time set-password link")
def staff_password_reset(request: AuthedHttpRequest, pk: int) -> Any:
    return services.password_reset_send(actor=request.user, user=staff_get(fetched_by=request.user, pk=pk))


@router.post("/staff/{int:pk}/otp-reset", response={200: StaffOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Remove someone's authenticator and recovery codes",
             openapi_extra=json_body_doc(ReasonIn))
def staff_otp_reset(request: AuthedHttpRequest, pk: int) -> Any:
    target = staff_get(fetched_by=request.user, pk=pk)
    payload = body_in_scope(request, ReasonIn, lambda: target)
    services.otp_reset(actor=request.user, user=target, reason=payload.reason)
    return _out(target)


@router.post("/staff/from-register", response={201: list[CreatedOut], 400: ErrorOut, 404: ErrorOut},
             summary="Create accounts for people of the workforce register (linked to them)")
def staff_from_register(request: AuthedHttpRequest, payload: FromRegisterIn) -> Any:
    results = services.staff_bulk_from_register(actor=request.user, commune_code=payload.commune_code, person_ids=payload.person_ids, role=payload.role)
    return Status(201, [{"account": _out(r["user"]), "channels": r["channels"], "link": r["link"]} for r in results])


@router.post("/staff/import", response={201: list[CreatedOut], 400: ErrorOut}, summary="Create accounts from an Excel file (all or nothing)")
def staff_import(request: AuthedHttpRequest, file: File[UploadedFile]) -> Any:
    results = services.staff_import(actor=request.user, data=file.read())
    return Status(201, [{"account": _out(r["user"]), "channels": r["channels"], "link": r["link"]} for r in results])


@router.get("/staff/import/template", summary="Excel template for the import (roles and units sheets for the caller)")
def staff_import_template(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(services.import_template_bytes(request.user), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-tai-khoan-can-bo.xlsx"'
    return response


def _ip(request: HttpRequest) -> str:
    """The client's address as the sign-up pages take it (``client_ip``: the one the reverse proxy reports when BEHIND_PROXY),
    for the rate limits and the audit log."""
    return audit_ip(request) or ""


@router.post("/signup/code", auth=None, response={201: SignupCodeOut, 400: ErrorOut, 429: ErrorOut, 503: ErrorOut},
             summary="Citizens: send a verification code to a phone or e-mail (rate-limited)")
def signup_code(request: HttpRequest, payload: SignupCodeIn) -> Any:
    record = services.signup_send_code(contact=payload.contact, ip=_ip(request))
    return Status(201, {"channel": record.channel, "destination": record.destination, "expires_at": record.expires_at})


@router.post("/signup", auth=None, response={201: CitizenOut, 400: ErrorOut}, summary="Citizens: create the account with the code")
def signup(request: HttpRequest, payload: SignupIn) -> Any:
    user = services.signup_complete(contact=payload.contact, code=payload.code, full_name=payload.full_name, password=payload.password,
                                    ip=_ip(request))
    return Status(201, {"id": user.pk, "username": user.username, "full_name": user.full_name, "role": user.role})


# ------------------------------------------------------------------ my account
class MyAccountOut(AccountOutBase):
    citizen_id_masked: str = Field(..., description="The CCCD number with all but its last 3 digits masked.")
    editable_fields: list[str] = Field(..., description="What PATCH accepts for this account; any other field is refused.")
    otp_allowed: bool

    @staticmethod
    def resolve_citizen_id_masked(obj: User) -> str:
        from coso.core.masking import mask_citizen_id

        return mask_citizen_id(obj.citizen_id, None)

    @staticmethod
    def resolve_editable_fields(obj: User) -> list[str]:
        return list(services.profile_fields(obj))

    @staticmethod
    def resolve_otp_allowed(obj: User) -> bool:
        return services.otp_allowed_for(obj)


class MyAccountPatch(Schema):
    """The fields a person may change (staff: email, phone; citizens also full_name). Any other field sent is refused
    by the service with 400 ``field-not-editable`` (not ignored)."""

    full_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    current_password: str | None = Field(None, max_length=128, description="Required when the e-mail or phone changes.")


class MyPasswordIn(Schema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., max_length=128)


class PasswordChangedOut(Schema):
    changed: bool


@router.get("/me", response=MyAccountOut, summary="My account: the caller's own account")
def me(request: AuthedHttpRequest) -> Any:
    return request.user


@router.patch("/me", response={200: MyAccountOut, 400: ErrorOut, 429: ErrorOut},
              summary="Change my own e-mail, phone (and name, for citizens); a new e-mail or phone needs the current password")
def me_patch(request: AuthedHttpRequest, payload: MyAccountPatch) -> Any:
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None and k != "current_password"}
    # The schema keeps only its own fields: the others sent (role, unit_code…) go to the service, which refuses them.
    sent = json_input.loads(request.body)
    if isinstance(sent, dict):
        data.update({str(k): v for k, v in sent.items() if k not in MyAccountPatch.model_fields})
    return services.profile_update(user=request.user, data=data, current_password=payload.current_password, ip=_ip(request))


@router.post("/me/password", response={200: PasswordChangedOut, 400: ErrorOut, 429: ErrorOut},
             summary="Change my own password (current password required; a browser session stays signed in, the others end)")
def me_password(request: AuthedHttpRequest, payload: MyPasswordIn) -> Any:
    from django.contrib.auth import SESSION_KEY, update_session_auth_hash

    user = services.password_change(user=request.user, old=payload.old_password, new=payload.new_password, ip=_ip(request))
    # A browser session signed in as this user keeps going; a token request has no session to keep (none is opened).
    if request.session.get(SESSION_KEY) == str(user.pk):
        update_session_auth_hash(request, user)
    return {"changed": True}


class SessionsEndedOut(Schema):
    ended: bool


@router.post("/me/sessions/end-others", response={200: SessionsEndedOut},
             summary="Sign my account out on every other device (a browser session making the call stays signed in)")
def me_sessions_end_others(request: AuthedHttpRequest) -> Any:
    from django.contrib.auth import SESSION_KEY, update_session_auth_hash

    user = services.sessions_end_others(user=request.user, ip=_ip(request))
    if request.session.get(SESSION_KEY) == str(user.pk):  # with a token there is no session of its own to keep
        update_session_auth_hash(request, user)
    return {"ended": True}


class SessionOut(Schema):
    id: str
    current: bool
    signed_in_at: dt.datetime | None
    expires_at: dt.datetime
    browser: str
    system: str
    user_agent: str
    ip: str


@router.get("/me/sessions", response=list[SessionOut],
            summary="Where my account is signed in: its browser sessions (API tokens are not sessions)")
def me_sessions(request: AuthedHttpRequest) -> Any:
    from coso.accounts.selectors import sessions_of

    return sessions_of(user=request.user, current_session_key=request.session.session_key or "")


@router.post("/me/sessions/{sid}/end", response={200: SessionOut, 400: ErrorOut, 404: ErrorOut},
             summary="Sign my account out on one device: end one of my other sessions (not the one making the call)")
def me_session_end(request: AuthedHttpRequest, sid: str) -> Any:
    return services.session_end(user=request.user, session_id=sid, current_session_key=request.session.session_key or "", ip=_ip(request))


# ------------------------------------------------------------------ delegation of authority
class DelegationOut(Schema):
    id: int
    delegator: str
    delegator_title: str
    delegate_id: int
    delegate: str
    delegate_title: str
    kind: str
    actions: list[str]
    procedure_codes: list[str]
    starts_on: dt.date
    ends_on: dt.date
    last_day: dt.date
    revoked_on: dt.date | None
    decision_number: str
    signing_block: list[str]
    account_locked: bool
    holder_changed: bool
    in_force: bool

    @staticmethod
    def resolve_delegator(obj: Delegation) -> str:
        return obj.delegator.display_name

    @staticmethod
    def resolve_delegate(obj: Delegation) -> str:
        return obj.delegate.display_name

    @staticmethod
    def resolve_signing_block(obj: Delegation) -> list[str]:
        return obj.signing_block()

    @staticmethod
    def resolve_in_force(obj: Delegation) -> bool:
        from django.utils import timezone

        return obj.in_force(timezone.localdate())


class DelegationIn(Schema):
    delegate_id: int
    kind: str = Field(..., max_length=4)
    actions: list[str] = Field(..., max_length=10)
    procedure_codes: list[str] = Field(default_factory=list, max_length=500)
    starts_on: dt.date
    ends_on: dt.date
    delegator_title: str = Field("", max_length=100)
    delegate_title: str = Field("", max_length=100)
    decision_number: str = Field("", max_length=100)
    note: str = Field("", max_length=Delegation.NOTE_MAX_LENGTH)


class DelegationEndIn(Schema):
    reason: str = Field(..., max_length=Delegation.REVOKE_REASON_MAX_LENGTH)
    on: dt.date | None = None


@router.get("/delegations", response=list[DelegationOut], summary="Delegations of the caller's unit")
@paginate
def delegations(request: AuthedHttpRequest, state: str = "") -> Any:
    return delegation_list(fetched_by=request.user, state=state)


@router.post("/delegations", response={201: DelegationOut, 400: ErrorOut, 403: ErrorOut}, summary="A leader delegates named actions for a date range")
def delegation_create(request: AuthedHttpRequest, payload: DelegationIn) -> Any:
    data = payload.dict()
    delegate = delegate_choices(fetched_by=request.user).filter(pk=data.pop("delegate_id")).first()
    if delegate is None:
        raise errors.DELEGATION_CREATE_VALIDATION_ERROR_2(field="delegate_id")
    return Status(201, services.delegation_create(actor=request.user, delegate=delegate, **data))


@router.post("/delegations/{int:pk}/end", response={200: DelegationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="End a delegation early",
             openapi_extra=json_body_doc(DelegationEndIn))
def delegation_end(request: AuthedHttpRequest, pk: int) -> Any:
    # The body is read once the delegation is the caller's unit's: another unit's answers 404 whatever the body.
    delegation = delegation_get(fetched_by=request.user, pk=pk)
    payload = body_in_scope(request, DelegationEndIn, lambda: delegation)
    return services.delegation_end(actor=request.user, delegation=delegation, reason=payload.reason, on=payload.on)


@router.get("/delegations/active", response={200: DelegationOut | None}, summary="The caller's delegation for an action on a day, if any")
def delegation_active(request: AuthedHttpRequest, action: str, on: dt.date | None = None, procedure_code: str | None = None) -> Any:
    from django.utils import timezone

    return services.delegation_active(request.user, action, on or timezone.localdate(), procedure_code=procedure_code)
