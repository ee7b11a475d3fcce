"""Who may use the dietitian workspace: members of the Dietitian group (made by a data migration) and superusers."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

DIETITIAN_GROUP = "Dietitian"


def is_dietitian(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_dietitian"):
        user._is_dietitian = user.groups.filter(name=DIETITIAN_GROUP).exists()
    return user._is_dietitian


def dietitian_required(view):
    """Anonymous visitors go to the sign-in page; signed-in people who are not dietitians get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_dietitian(request.user):
            raise PermissionDenied("The dietitian workspace is for dietitians.")
        return view(request, *args, **kwargs)

    return wrapper
