from .navigation import nav_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "nav_items": nav_for(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count()
        if user.is_authenticated
        else 0,
    }
