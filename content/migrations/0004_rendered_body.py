"""Articles and site pages keep their body rendered to HTML, made on save; existing rows are rendered here."""

from django.db import migrations, models


def render_existing(apps, schema_editor):
    from content.rendering import body_digest, render_markdown

    for name in ("Article", "SitePage"):
        model = apps.get_model("content", name)
        for row in model.objects.all():
            row.body_rendered = str(render_markdown(row.body))
            row.body_rendered_digest = body_digest(row.body)
            row.save(update_fields=["body_rendered", "body_rendered_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_article_source_authors"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_rendered",
            field=models.TextField(blank=True, editable=False, help_text="The body as sanitised HTML, made on save."),
        ),
        migrations.AddField(
            model_name="article",
            name="body_rendered_digest",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="sitepage",
            name="body_rendered",
            field=models.TextField(blank=True, editable=False, help_text="The body as sanitised HTML, made on save."),
        ),
        migrations.AddField(
            model_name="sitepage",
            name="body_rendered_digest",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
