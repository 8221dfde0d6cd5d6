from coso.core.public_url import base_url


def coso(request):  # type: ignore[no-untyped-def]
    return {"COSO_PUBLIC_BASE_URL": base_url(request)}
