"""URL × role expectations of the events area (merged into tests/url_roles.py; format documented there)."""

EXPECTATIONS: dict[str, dict] = {}


def objects(org) -> dict[str, dict]:
    """Objects the expectations refer to by name in "kwargs": name -> URL kwargs."""
    return {}
