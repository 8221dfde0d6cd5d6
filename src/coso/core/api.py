from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ninja import Router, Schema

router = Router(tags=["core"])


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    province_code: str
    commune_code: str


@router.get("/me", response=MeOut, summary="The authenticated user")
def me(request: HttpRequest) -> dict:
    u: Any = request.user
    return {
        "username": u.username,
        "full_name": u.display_name,
        "role": u.role,
        "role_label": str(u.get_role_display()),
        "province_code": u.province_code,
        "commune_code": u.commune_code,
    }


@router.get("/health", auth=None, summary="Liveness probe (public)")
def health(request: HttpRequest) -> dict:
    return {"status": "ok"}
