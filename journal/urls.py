from django.urls import path

from . import views

app_name = "journal"

urlpatterns = [
    path("", views.home, name="home"),
    path("nights/", views.nights, name="nights"),
    path("nights/add/", views.night_add, name="night_add"),
    path("nights/<int:pk>/edit/", views.night_edit, name="night_edit"),
    path("labs/", views.labs, name="labs"),
    path("labs/add/", views.lab_add, name="lab_add"),
    path("labs/<int:pk>/edit/", views.lab_edit, name="lab_edit"),
    path("iron/add/", views.iron_add, name="iron_add"),
    path("<str:kind>/<int:pk>/delete/", views.delete, name="delete"),
    path("plans/<int:plan>/day/<int:day>/", views.meals_day, name="day"),
    path("plans/<int:plan>/day/<int:day>/<int:slot>/mark/", views.mark, name="mark"),
    path("trends/", views.trends_page, name="trends"),
    path("summary/", views.summary_page, name="summary"),
    path("retest.ics", views.retest_ics, name="retest_ics"),
    path("export.<str:fmt>", views.export, name="export"),
]
