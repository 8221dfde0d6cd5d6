import io

from django.core.management import CommandError, call_command
from django.test import Client, override_settings

import pytest
from conftest import otp_token

from coso.accounts import demo
from coso.accounts.models import User
from coso.accounts.roles import Role
from coso.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_accounts_with_phu_loi_finance_officer_and_admin_authenticators(province, commune, other_commune, settings):
    ctx = DemoContext(province=province, communes=[commune, other_commune])
    demo.build(ctx)
    finance = User.objects.get(username="taichinh2")
    assert finance.role == Role.COMMUNE_FINANCE and finance.commune_code == other_commune.code
    assert any(u == "taichinh2" and unit == other_commune.name for _label, u, unit in ctx.accounts)
    assert User.objects.get(username="phochutich").commune_code == commune.code
    from django.utils import timezone

    from coso.accounts.services import delegation_active

    assert delegation_active(User.objects.get(username="phochutich"), "dossier_approve", timezone.localdate()) is not None
    demo.build(DemoContext(province=province, communes=[commune, other_commune]))  # rebuilt: no error, no second delegation
    secret = demo.demo_totp_secret("quantri")
    assert any(secret in note and "quantri:" in note for note in ctx.notes)
    # The demo administrators sign in like real ones: password, then the code.
    c = Client()
    r = c.post("/accounts/login/", {"username": "quantri", "password": settings.COSO_DEMO_PASSWORD})
    assert r["Location"] == "/accounts/2fa/verify/"
    assert c.post("/accounts/2fa/verify/", {"token": otp_token(User.objects.get(username="quantri"))}).status_code == 302
    # Rebuilding keeps the same secret; attach creates accounts added to the demo later.
    User.objects.filter(username="taichinh2").delete()
    ctx2 = DemoContext(province=province, communes=[commune, other_commune])
    demo.attach(ctx2)
    assert User.objects.filter(username="taichinh2").exists() and demo.demo_totp_secret("quantri") == secret


def test_demo_otp_command_only_in_development(province, commune, other_commune, settings):
    demo.build(DemoContext(province=province, communes=[commune, other_commune]))
    with override_settings(DEBUG=True):
        out = io.StringIO()
        call_command("demo_otp", "quantri.tinh", stdout=out, stderr=io.StringIO())
        code = out.getvalue().strip()
        assert len(code) == 6 and code.isdigit()
        c = Client()
        c.post("/accounts/login/", {"username": "quantri.tinh", "password": settings.COSO_DEMO_PASSWORD})
        assert c.post("/accounts/2fa/verify/", {"token": code}).status_code == 302 and "_auth_user_id" in c.session
    with override_settings(DEBUG=False), pytest.raises(CommandError):
        call_command("demo_otp", "quantri.tinh", stdout=io.StringIO(), stderr=io.StringIO())
    # A device that is not the demo one (a real secret) is never printed.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="quantri.tinh").update(key="00" * 20)
    with override_settings(DEBUG=True), pytest.raises(CommandError):
        call_command("demo_otp", "quantri.tinh", stdout=io.StringIO(), stderr=io.StringIO())
