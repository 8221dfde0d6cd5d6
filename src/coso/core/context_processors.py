from coso.core.public_url import base_url


def coso(request):  # type: ignore[no-untyped-def]
    from coso.core.navigation import menu_for

    user = getattr(request, "user", None)
    return {"coso_menu": menu_for(user), "COSO_PUBLIC_BASE_URL": base_url(request)}
