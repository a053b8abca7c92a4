from django.http import HttpRequest

from .permissions import UserPermissions, can_see_costs, is_client, is_owner, is_staff


def roles(request: HttpRequest) -> dict[str, object]:
    """``can.<predicate>`` for templates (core.permissions), plus the older flag names."""
    user = getattr(request, "user", None)
    return {
        "can": UserPermissions(user),
        "is_owner": is_owner(user),
        "is_staff_role": is_staff(user),
        "is_client_contact": is_client(user),
        "sees_costs": can_see_costs(user),
    }
