from django.urls import path

from . import views

app_name = "planner"

urlpatterns = [
    path("", views.plan_form, name="form"),
    path("validate/<str:name>/", views.validate_field, name="validate"),
    path("wait/<slug:ticket>/", views.plan_wait, name="wait"),
    path("saved/", views.saved, name="saved"),
    path("saved/<str:kind>/<int:pk>/rename/", views.rename, name="rename"),
    path("saved/<str:kind>/<int:pk>/delete/", views.delete, name="delete"),
    path("<slug:key>/", views.plan_detail, name="detail"),
    path("<slug:key>/swap/<int:day>/<int:slot>/", views.plan_swap, name="swap"),
    path("<slug:key>/lock/<int:day>/<int:slot>/", views.plan_lock, name="lock"),
    path("<slug:key>/regenerate/", views.plan_regenerate, name="regenerate"),
    path("<slug:key>/shopping/", views.plan_shopping, name="shopping"),
    path("<slug:key>/recipe/<int:day>/<int:slot>/", views.plan_recipe, name="recipe"),
    path("<slug:key>/units/", views.plan_units, name="units"),
    path("<slug:key>/export.<str:fmt>", views.plan_export, name="export"),
    path("<slug:key>/save/", views.plan_save, name="save"),
]
