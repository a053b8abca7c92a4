"""Who may do what: the one place role rules live.

Every predicate takes a user (possibly anonymous) and answers a yes/no question. Views use
them through ``core.access.permission_required(predicate)``; the API through
``sweetspot.api.auth.require(request, predicate)``; templates through the ``can`` context
(``{% if can.see_costs %}``). Object scoping (which company's rows a user may read) stays in
the scoping helpers; these predicates answer the role question only.

A route a user may not use answers 404, not 403, so its existence is not confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Role

Predicate = Callable[[Any], bool]

STAFF = frozenset({Role.OWNER, Role.DISPATCHER, Role.TECHNICIAN, Role.SALES})
CLIENT_EDITORS = frozenset({Role.OWNER, Role.DISPATCHER, Role.SALES})
DISPATCHERS = frozenset({Role.OWNER, Role.DISPATCHER})
WORKERS = frozenset({Role.OWNER, Role.DISPATCHER, Role.TECHNICIAN})
SELLERS = frozenset({Role.OWNER, Role.SALES})


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", True):
        return None
    return str(user.role)


def _in(roles: frozenset[str]) -> Predicate:
    def predicate(user: Any) -> bool:
        return role_of(user) in roles

    return predicate


is_authenticated: Predicate = _in(frozenset(Role.values))
is_staff: Predicate = _in(STAFF)
is_client: Predicate = _in(frozenset({Role.CLIENT}))
is_owner: Predicate = _in(frozenset({Role.OWNER}))
can_edit_clients: Predicate = _in(CLIENT_EDITORS)
can_dispatch: Predicate = _in(DISPATCHERS)
does_service_work: Predicate = _in(WORKERS)
can_sell: Predicate = _in(SELLERS)
can_administer_users: Predicate = is_owner
can_edit_firm_settings: Predicate = is_owner
# Second factor: staff enrol their own; the owner sets the policy for all staff (core.mfa).
can_use_mfa: Predicate = is_staff
can_set_security_policy: Predicate = is_owner
# Mail quarantine and intake failures: the people who sort the queue.
can_triage_mail: Predicate = _in(DISPATCHERS)
# Mail out (#17): the on-call rota and the firm's mail settings; one's own notifications.
can_manage_rota: Predicate = _in(DISPATCHERS)
can_choose_notifications: Predicate = is_authenticated
# Tickets: staff and client contacts (scoping narrows a client to their company).
can_read_tickets: Predicate = is_authenticated
can_manage_time: Predicate = _in(DISPATCHERS)  # everyone's timesheets, visits
can_use_timer: Predicate = is_staff
# Service catalog and competitors.
can_edit_catalog: Predicate = _in(DISPATCHERS)
# Growth: assessments, business development, certification planning.
can_assess: Predicate = can_sell
can_edit_bd: Predicate = can_sell
can_plan_certifications: Predicate = is_staff
# Agreements: who reads them, drafts them, signs (activates/cancels) them.
can_view_agreements: Predicate = _in(CLIENT_EDITORS)
can_draft_agreements: Predicate = can_sell
can_sign_agreements: Predicate = is_owner
can_edit_plans: Predicate = is_owner
can_see_revenue: Predicate = is_owner


def can_read_visits(user: Any) -> bool:
    """Owner, dispatcher and technician (their own, by scoping: desk's visits_visible_to), and
    a client contact: their own company's visits, read only (the API; issue 14)."""
    return does_service_work(user) or is_client(user)


def can_read_agreement_pdf(user: Any) -> bool:
    """Staff who read agreements, and a client contact (their own company's, by scoping)."""
    return can_view_agreements(user) or is_client(user)


def can_see_costs(user: Any) -> bool:
    """Cost rates and margins are the owner's alone (docs/DOMAIN.md §8)."""
    return role_of(user) == Role.OWNER


def can_run_billing(user: Any) -> bool:
    """The owner; a dispatcher only when the owner ticked "may run billing" on their login."""
    role = role_of(user)
    return role == Role.OWNER or (role == Role.DISPATCHER and bool(user.may_run_billing))


def can_read_invoices(user: Any) -> bool:
    """Billing staff read every invoice; a client contact reads their company's issued ones
    (scoping narrows the rows)."""
    return can_run_billing(user) or is_client(user)


class UserPermissions:
    """Lazy template view: ``can.see_costs`` calls the predicate when read."""

    def __init__(self, user: Any) -> None:
        self._user = user

    def __getattr__(self, name: str) -> bool:
        try:
            predicate = TEMPLATE_PREDICATES[name]
        except KeyError:
            raise AttributeError(name) from None
        return predicate(self._user)


# Exposed to templates as ``can`` (context processor) so no template compares role strings.
TEMPLATE_PREDICATES: dict[str, Predicate] = {
    "staff": is_staff,
    "client": is_client,
    "owner": is_owner,
    "edit_clients": can_edit_clients,
    "dispatch": can_dispatch,
    "work": does_service_work,
    "sell": can_sell,
    "see_costs": can_see_costs,
    "run_billing": can_run_billing,
    "read_invoices": can_read_invoices,
    "administer_users": can_administer_users,
    "edit_firm_settings": can_edit_firm_settings,
    "triage_mail": can_triage_mail,
    "manage_rota": can_manage_rota,
    "view_agreements": can_view_agreements,
    "manage_time": can_manage_time,
    "use_timer": can_use_timer,
    "edit_catalog": can_edit_catalog,
    "use_mfa": can_use_mfa,
    "set_security_policy": can_set_security_policy,
}
