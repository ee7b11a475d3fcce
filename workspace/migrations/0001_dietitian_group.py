"""The Dietitian group: may add and change foods, portions, nutrient amounts, meals, meal ingredients and
import batches. Plain users get none of these.

Clearing a value to unknown removes its amount row, and taking an ingredient out of a meal removes that
row, so the group may also delete nutrient amounts, portions and meal ingredients (never foods or meals).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "nutrition": [
        "add_food", "change_food", "view_food",
        "add_portion", "change_portion", "delete_portion", "view_portion",
        "add_nutrientamount", "change_nutrientamount", "delete_nutrientamount", "view_nutrientamount",
        "add_importbatch", "change_importbatch", "view_importbatch",
    ],
    "planner": [
        "add_meal", "change_meal", "view_meal",
        "add_mealingredient", "change_mealingredient", "delete_mealingredient", "view_mealingredient",
    ],
}


def create_dietitian_group(apps, schema_editor):
    alias = schema_editor.connection.alias
    # Permissions are normally made after all migrations (post_migrate); make these apps' now.
    for label in PERMISSIONS:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0, using=alias)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(alias).get_or_create(name="Dietitian")
    permissions = []
    for label, codenames in PERMISSIONS.items():
        permissions += Permission.objects.using(alias).filter(content_type__app_label=label, codename__in=codenames)
    group.permissions.set(permissions)


def remove_dietitian_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name="Dietitian").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("nutrition", "0001_initial"),
        ("planner", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_dietitian_group, remove_dietitian_group)]
