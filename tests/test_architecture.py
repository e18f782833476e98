"""
The architecture as tests: imports point down the layers, Python code never imports a template
tag library, and no module grows past 500 lines.

Sources are parsed with `ast`, never imported, so an import inside a function counts as much as
one at the top of a module, and the checks run without Django or a database.
"""

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("timeline", "editorial", "comments", "newsroom", "notifications", "images", "httpcache")
MAX_LINES = 500

# Bottom to top. A module may import from its own layer and the layers below it, never above.
# A name covers the module and everything under it; the most specific name wins, so
# timeline.revisions.history sits below the rest of timeline.revisions.
LAYERS = (
    # Pure Python, no models: what models and everything else are built on.
    (
        "timeline.dates",
        "timeline.text",
        "timeline.typed_text",
        "timeline.body_anchors",
        "timeline.links",
        "timeline.embeds",
        "timeline.editions.anniversaries",
        # The shared HTTP cache's transport, headers and outbox: knows nothing of the content.
        "httpcache",
    ),
    ("timeline.models", "notifications.models", "images.models", "images.uploads"),
    # Reads of single models that every screen shows: house style, who may do what, history.
    ("timeline.formatting", "timeline.permissions", "timeline.revisions.history"),
    # Writes and cross-model reads (timeline.imports: reading other systems' exports into them).
    (
        "timeline.imports",
        "timeline.services",
        "timeline.selectors",
        "timeline.search",
        "timeline.revisions",
        "timeline.editions",
        # Notices to editors: sent by the services and the scheduler that trigger them.
        "notifications.services",
        "notifications.triggers",
        # Pictures: renditions and where each is used.
        "images.renditions",
        "images.usage",
    ),
    # What serves people: pages, admin, template tags, commands, and the other apps.
    (
        "timeline.site",
        "timeline.admin",
        "timeline.revisions.admin",
        "timeline.templatetags",
        "timeline.management",
        "timeline.demo",
        # Background tasks (django.tasks): they run what the admin and commands start.
        "timeline.tasks",
        "timeline.urls",
        "timeline.apps",
        "editorial",
        "comments",
        "newsroom",
        "notifications",
        "images",
    ),
)
# The bare package (timeline/__init__.py) is imported by everything below it.
EXACT_LAYERS = {"timeline": 0}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    """{dotted name: path} of every module of the apps and the project, migrations aside."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


MODULES = project_modules()


def layer_of(module):
    if module in EXACT_LAYERS:
        return EXACT_LAYERS[module]
    best = None
    for layer, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (
                best is None or len(name) > len(best[1])
            ):
                best = (layer, name)
    return None if best is None else best[0]


def imported_modules(module, source, *, is_package=False, known=MODULES):
    """The project modules `source` (the text of `module`) imports, anywhere in the file.

    `from a import b` imports a.b when that is a module, else a. Importing a.b.c also runs
    the __init__ of a.b: a package whose __init__ imports something counts as imported too,
    unless the importer lives inside it.
    """
    package = module if is_package else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in known else base)
    targets = {t for t in targets if t.split(".")[0] in PACKAGES}
    for target in list(targets):
        parts = target.split(".")
        for end in range(1, len(parts)):
            parent = ".".join(parts[:end])
            inside = module == parent or module.startswith(parent + ".")
            if not inside and parent in known and _runs_imports(known[parent]):
                targets.add(parent)
    return targets


def _runs_imports(path):
    if not isinstance(path, Path) or path.name != "__init__.py":
        return False
    tree = ast.parse(path.read_text())
    return any(isinstance(node, ast.Import | ast.ImportFrom) for node in ast.walk(tree))


def upward_imports(module, source, *, is_package=False, known=MODULES):
    """One line per import of `module` that points to a higher layer."""
    own = layer_of(module)
    found = []
    for target in sorted(imported_modules(module, source, is_package=is_package, known=known)):
        layer = layer_of(target)
        if own is not None and layer is not None and layer > own:
            found.append(f"{module} (layer {own}) imports {target} (layer {layer})")
    return found


def templatetag_imports(module, source, *, is_package=False, known=MODULES):
    return sorted(
        f"{module} imports {target}"
        for target in imported_modules(module, source, is_package=is_package, known=known)
        if "templatetags" in target.split(".")
    )


def _check_all(check):
    found = []
    for module, path in sorted(MODULES.items()):
        found += check(module, path.read_text(), is_package=path.name == "__init__.py")
    return found


def test_every_module_has_a_layer():
    """A new module has to be placed on the map before the direction test can guard it."""
    assert [module for module in sorted(MODULES) if layer_of(module) is None] == []


def test_imports_point_down_the_layers():
    assert _check_all(upward_imports) == []


def test_python_code_never_imports_a_template_tag_library():
    """Template tags adapt helpers (timeline.formatting, timeline.site.rendering) for
    templates; Python code calls those helpers directly."""
    assert _check_all(templatetag_imports) == []


def test_the_checker_flags_an_upward_import():
    """Guards the guard: a model importing services must fail, wherever the import sits."""
    source = (
        "from django.db import models\n"
        "from timeline.dates import parse\n"
        "def publish(article):\n"
        "    from timeline import services\n"
        "    services.publish_article(article=article)\n"
    )
    assert upward_imports("timeline.models.articles", source) == [
        "timeline.models.articles (layer 1) imports timeline.services (layer 3)"
    ]
    assert upward_imports("timeline.services.articles", source) == []


def test_the_checker_resolves_relative_imports_and_parent_packages():
    relative = "from ..site import views\n"
    assert upward_imports("timeline.models.articles", relative) == [
        "timeline.models.articles (layer 1) imports timeline.site.views (layer 4)"
    ]
    # timeline.revisions.history is layer 2, but importing it runs timeline/revisions/__init__.
    via_parent = "from timeline.revisions import history\n"
    assert upward_imports("timeline.formatting", via_parent) == [
        "timeline.formatting (layer 2) imports timeline.revisions (layer 3)"
    ]


def test_the_checker_flags_a_template_tag_import():
    source = "from timeline.templatetags.newsroom import house_date\n"
    assert templatetag_imports("timeline.selectors", source) == [
        "timeline.selectors imports timeline.templatetags.newsroom"
    ]


def python_files():
    """Every Python file of the working tree (tracked or new), as paths from the root."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: an unpacked archive
        listed = [
            str(path.relative_to(ROOT))
            for top in (*PACKAGES, "bench")
            for path in (ROOT / top).rglob("*.py")
        ]
    return [Path(name) for name in listed if (ROOT / name).is_file()]


def test_no_module_exceeds_500_lines():
    """Migrations, tests and data files aside, a module that grows past 500 lines is split
    by concern (see timeline/models/ and timeline/dates/)."""
    skipped = {"migrations", "tests", "data"}
    too_long = {
        str(path): lines
        for path in python_files()
        if not skipped & set(path.parts)
        and (lines := len((ROOT / path).read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
