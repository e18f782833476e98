from django.db import migrations


class Migration(migrations.Migration):
    """Two branches written at the same time: pictures placed (0009_images_placed) and
    authors and review requests (0009_people_and_reviews)."""

    dependencies = [
        ("timeline", "0009_images_placed"),
        ("timeline", "0009_people_and_reviews"),
    ]

    operations = []
