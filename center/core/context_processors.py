from .navigation import nav_for
from .pagecache import PLACEHOLDER, rendering_for_cache


def shell(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    context = {
        "nav_items": nav_for(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count()
        if user.is_authenticated
        else 0,
    }
    if rendering_for_cache(request):
        # A public page rendered for the page cache: the token is put in per visitor (center.core.pagecache).
        context["csrf_token"] = PLACEHOLDER
    return context
