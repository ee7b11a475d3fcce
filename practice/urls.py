from django.urls import path

from . import plan_views, views

app_name = "practice"

urlpatterns = [
    path("dietitian/clients/", views.client_list, name="client_list"),
    path("dietitian/clients/invite/", views.invite, name="invite"),
    path("dietitian/clients/invite/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("dietitian/clients/<int:client>/", views.client_detail, name="client_detail"),
    path("dietitian/clients/<int:client>/trends/", views.client_trends, name="client_trends"),
    path("dietitian/clients/<int:client>/notes/", views.note_add, name="note_add"),
    path("dietitian/clients/<int:client>/plans/new/", plan_views.plan_new, name="plan_new"),
    path("dietitian/clients/<int:client>/plans/<int:pk>/", plan_views.plan_page, name="client_plan"),
    path(
        "dietitian/clients/<int:client>/plans/<int:pk>/swap/<int:day>/<int:slot>/",
        plan_views.plan_swap,
        name="plan_swap",
    ),
    path(
        "dietitian/clients/<int:client>/plans/<int:pk>/lock/<int:day>/<int:slot>/",
        plan_views.plan_lock,
        name="plan_lock",
    ),
    path(
        "dietitian/clients/<int:client>/plans/<int:pk>/regenerate/", plan_views.plan_regenerate, name="plan_regenerate"
    ),
    path("dietitian/clients/<int:client>/plans/<int:pk>/publish/", plan_views.plan_publish, name="plan_publish"),
    path("dietitian/clients/<int:client>/plans/<int:pk>/withdraw/", plan_views.plan_withdraw, name="plan_withdraw"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("accounts/me/sharing/<int:pk>/end/", views.end_sharing, name="end_sharing"),
]
