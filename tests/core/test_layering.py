"""The import graph of ``screenplay/`` respects the layering of the pipeline.

Every module belongs to one layer; a module may import (at top level or
inside a function — lazy imports count) only from its own layer or a lower
one.  The layers, lowest first (docs/ARCHITECTURE.md draws them):

====  ========  =============================================================
rank  layer     modules
====  ========  =============================================================
0     leaf      ``screenplay`` (``__version__``), ``syntax.source`` (Source,
                Span), ``syntax.files`` (reading user files safely),
                ``syntax.emphasis`` (StyledRun, the one emphasis parser),
                ``syntax.heading`` (SceneInfo, the one heading reader),
                ``resources``, ``limits``
1     core      ``diagnostics``, ``cache``, ``backends`` (protocols, registry)
2     syntax    ``syntax`` (classifier, grammar, AST), ``directives``
3     ir        ``film`` (the resolved program), ``beats`` (bind → timing),
                ``timeline`` (the Timeline IR)
4     engines   ``voices``, ``pictures``, ``music``, ``dialogue``, ``staging``,
                ``document``
5     passes    ``passes`` (resolve … timing), ``api`` (the front end in one call)
6     render    ``render``, ``outputs``
7     driver    ``build``, ``manifest``
8     commands  ``commands``, ``cli``, ``lsp``, ``studio``, ``__main__``
====  ========  =============================================================

So: syntax → passes → ir → engines → render → commands read as the
pipeline, and no arrow points back: an engine never imports a pass or the
front end (it receives specs and presets), the IR never imports an engine,
nothing but commands imports commands.  The backends registry loads engine
implementations by name (entry points), which is the one deliberate
late-bound edge and is not an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "screenplay"

LAYERS: dict[str, int] = {
    "screenplay.syntax.source": 0,
    "screenplay.syntax.emphasis": 0,
    "screenplay.syntax.files": 0,
    "screenplay.syntax.heading": 0,
    "screenplay.resources": 0,
    "screenplay.limits": 0,
    "screenplay.diagnostics": 1,
    "screenplay.executor": 1,
    "screenplay.cache": 1,
    "screenplay.backends": 1,
    "screenplay.syntax": 2,
    "screenplay.directives": 2,
    "screenplay.film": 3,
    "screenplay.timeline": 3,
    "screenplay.beats": 3,
    "screenplay.voices": 4,
    "screenplay.pictures": 4,
    "screenplay.music": 4,
    "screenplay.dialogue": 4,
    "screenplay.staging": 4,
    "screenplay.document": 4,
    "screenplay.passes": 5,
    "screenplay.api": 5,
    # choosing a variant lowers the source before resolve; building many is a driver
    "screenplay.variants": 5,
    "screenplay.variants.batch": 7,
    "screenplay.stdlib_presets": 5,
    "screenplay.render": 6,
    "screenplay.outputs": 6,
    "screenplay.build": 7,
    "screenplay.manifest": 7,
    "screenplay.commands": 8,
    "screenplay.cli": 8,
    "screenplay.lsp": 8,
    "screenplay.studio": 8,
    "screenplay.__main__": 8,
    # the package itself holds only its docstring and __version__
    "screenplay": 0,
}
NAMES = ["leaf", "core", "syntax", "ir", "engines", "passes", "render", "driver", "commands"]


def layer_of(module: str) -> int | None:
    """The rank of ``module``: its longest prefix in :data:`LAYERS`."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        rank = LAYERS.get(".".join(parts[:n]))
        if rank is not None:
            return rank
    return None


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``screenplay`` import in ``path``, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if node.module == "screenplay":  # from screenplay import manifest
                found += [(node.lineno, f"screenplay.{a.name}") for a in node.names]
    return [(line, m) for line, m in found if m == "screenplay" or m.startswith("screenplay.")]


def test_every_module_has_a_layer() -> None:
    missing = [module_name(p) for p in PACKAGE.rglob("*.py") if layer_of(module_name(p)) is None]
    assert not missing, f"add these modules to LAYERS in {__file__}: {missing}"


def test_no_upward_imports() -> None:
    bad: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = module_name(path)
        mine = layer_of(me)
        assert mine is not None
        for line, target in imports(path):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                bad.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {me} ({NAMES[mine]}) "
                    f"imports {target} ({NAMES[theirs]})"
                )
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The test can fail: an engine importing a pass is reported."""
    fake = tmp_path / "fake.py"
    fake.write_text("def f():\n    from screenplay.passes.resolve import load_presets\n")
    ((line, target),) = imports(fake)
    assert line == 2 and layer_of(target) == 5 > layer_of("screenplay.pictures.engine") == 4
