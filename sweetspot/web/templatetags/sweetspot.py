from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """'sweet_spot' -> 'sweet spot', 'not_a_fit' -> 'not a fit'."""
    return str(value or "").replace("_", " ")
