def menu(request):  # type: ignore[no-untyped-def]
    """The navigation menu: the items the user's role may open (coso.accounts.navigation)."""
    from coso.accounts.navigation import menu_for

    return {"coso_menu": menu_for(getattr(request, "user", None))}
