from django.urls import path

from . import views

app_name = "practice"

urlpatterns = [
    path("dietitian/clients/", views.client_list, name="client_list"),
    path("dietitian/clients/invite/", views.invite, name="invite"),
    path("dietitian/clients/invite/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("dietitian/clients/<int:client>/", views.client_detail, name="client_detail"),
    path("dietitian/clients/<int:client>/trends/", views.client_trends, name="client_trends"),
    path("dietitian/clients/<int:client>/notes/", views.note_add, name="note_add"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("accounts/me/sharing/<int:pk>/end/", views.end_sharing, name="end_sharing"),
]
