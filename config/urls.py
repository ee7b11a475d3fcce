from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Restful Plate administration"
admin.site.site_title = "Restful Plate admin"
admin.site.index_title = "Foods, meals, plans and content"

urlpatterns = [
    path("", include("nutrition.urls")),
    path("plan/", include("planner.urls")),
    path("learn/", include("content.urls")),
    path("", include("content.page_urls")),
    path("accounts/", include("accounts.urls")),
    path("dietitian/", include("workspace.urls")),
    path("journal/", include("journal.urls")),
    path("", include("practice.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

handler500 = "config.views.server_error"
