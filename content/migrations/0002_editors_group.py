"""The Editors group: may manage Learn articles, their sources and site pages, and nothing else.

Editors also need `is_staff` on their user to reach the admin; the group only grants permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["article", "articlesource", "sitepage", "historicalarticle", "historicalsitepage"]
ACTIONS = ["add", "change", "delete", "view"]


def editor_codenames():
    codenames = []
    for model in EDITOR_MODELS:
        actions = ACTIONS if not model.startswith("historical") else ["view"]
        codenames += [f"{action}_{model}" for action in actions]
    return codenames


def create_editors_group(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate); make content's now.
    content_config = apps.get_app_config("content")
    content_config.models_module = True
    create_permissions(content_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    content_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name="Editors")
    permissions = Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="content", codename__in=editor_codenames()
    )
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
