from django.urls import path

from .views import foods, history, imports, meals

app_name = "workspace"

urlpatterns = [
    path("", foods.home, name="home"),
    path("foods/", foods.food_list, name="food_list"),
    path("foods/<int:pk>/", foods.food_edit, name="food_edit"),
    path("foods/<int:pk>/values/<str:code>/", foods.amount_edit, name="amount_edit"),
    path("foods/<int:pk>/history/", history.food_history, name="food_history"),
    path("foods/<int:pk>/history/revert/", history.food_revert, name="food_revert"),
    path("food-options/", meals.food_options, name="food_options"),
    path("meals/", meals.meal_list, name="meal_list"),
    path("meals/new/", meals.meal_edit, name="meal_new"),
    path("meals/<int:pk>/", meals.meal_edit, name="meal_edit"),
    path("meals/<int:pk>/totals/", meals.meal_totals, name="meal_totals"),
    path("meals/new/totals/", meals.meal_totals, name="meal_new_totals"),
    path("meals/<int:pk>/reviewed/", meals.meal_reviewed, name="meal_reviewed"),
    path("meals/<int:pk>/history/", history.meal_history, name="meal_history"),
    path("meals/<int:pk>/history/revert/", history.meal_revert, name="meal_revert"),
    path("review/", foods.review, name="review"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/foods/", imports.import_foods, name="import_foods"),
    path("imports/foods/confirm/", imports.import_foods_confirm, name="import_foods_confirm"),
    path("imports/fdc/", imports.import_fdc, name="import_fdc"),
]
