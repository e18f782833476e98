"""A WordPress export (WXR 1.2) around items written by a test, and the import command run on it."""

from io import StringIO

from django.core.management import call_command

EXPORT = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Harbour</title><link>https://harbour.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
{items}
</channel></rss>"""


def write_export(path, items):
    """`items` (the <item> elements, as text) in an export of the Harbour site, at `path`."""
    path.write_text(EXPORT.format(items="\n".join(items)), encoding="utf-8")
    return path


def run(path, *args, **options):
    """manage.py import_wordpress on `path`; what it printed."""
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, **options)
    return out.getvalue()
