from django.http import HttpRequest


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "is_owner": authenticated and user.role == "owner",  # type: ignore[union-attr]
        "is_staff_role": authenticated and user.is_firm_staff,  # type: ignore[union-attr]
        "is_client_contact": authenticated and user.is_client_contact,  # type: ignore[union-attr]
    }
