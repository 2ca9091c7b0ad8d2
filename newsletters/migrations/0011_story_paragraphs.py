"""Blank lines in a story's text are paragraphs (issue 13, item 10).

Until now a story typed with blank lines between its paragraphs was stored as it was typed, and
every rendering (the web version, the email's HTML part) ran the paragraphs together. The field
now makes ``<p>`` elements of them on save (``newsletters.sanitize.paragraphs``); this migration
does the same to the stories already written, in both languages, so they read as their authors
meant. Text that already had its paragraphs as HTML is unchanged (the cleaning is idempotent).
Editions already assembled keep their own copy, as they always did."""

from django.db import migrations

FIELDS = ("body", "body_en", "body_hu")


def paragraphs_in_stories(apps, schema_editor):
    from newsletters.sanitize import sanitize_html

    Story = apps.get_model("newsletters", "Story")
    names = [f.name for f in Story._meta.get_fields() if f.name in FIELDS]
    for row in Story._base_manager.values("pk", *names).iterator():
        changed = {
            name: sanitize_html(row[name])
            for name in names
            if row[name] and sanitize_html(row[name]) != row[name]
        }
        if changed:
            Story._base_manager.filter(pk=row["pk"]).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0010_content_in_both_languages")]

    operations = [migrations.RunPython(paragraphs_in_stories, migrations.RunPython.noop)]
