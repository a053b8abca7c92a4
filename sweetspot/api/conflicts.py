"""The 409 answer's schema. A service refuses with ``core.writes.CONFLICT`` when the object's
state, not the input, stands in the way (a clash, a wrong status, a term already renewed);
``api.api`` answers such a refusal 409 with its reason, and every operation that can get one
documents ``409: ConflictOut``."""

from ninja import Schema


class ConflictOut(Schema):
    """409: the object's state refuses the change; ``detail`` says why."""

    detail: str
