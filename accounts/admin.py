"""Users and groups in the admin: who is staff, who is in which group (Editors, dietitians), when they last came."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Count

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "is_staff", "is_active", "group_names", "date_joined", "last_login"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="groups")
    def group_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "-"


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    list_display = ["name", "member_count", "permission_count"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("user", distinct=True), permission_count=Count("permissions", distinct=True))
        )

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description="permissions", ordering="permission_count")
    def permission_count(self, obj):
        return obj.permission_count
