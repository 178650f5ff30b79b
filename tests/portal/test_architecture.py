"""The import graph: no cycles between modules, and dependencies pointing one way.

    portal composition (urls, views, lease page, demo, sign-in adapter)
        → apps: returnkit.turnin, returnkit → quotes → leases (leases.billing inside leases);
          messaging → leases
            → portal foundation (clock, tasks, ratelimit, models, ...) and quotes.engine (pure)

Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "leases", "quotes", "returnkit", "messaging", "helpcentre", "wear")
# The project package's top: these may import any app; nothing in an app may import them.
COMPOSITION = ("portal.urls", "portal.views", "portal.lease_page", "portal.demo", "portal.adapter", "portal.management")
# Which app may import which (besides itself, the portal foundation and quotes.engine).
MAY_IMPORT = {
    "leases": set(),
    "quotes": {"leases"},
    "returnkit": {"leases", "quotes"},
    "returnkit.turnin": {"leases", "quotes", "returnkit", "wear"},
    "messaging": {"leases"},
    "helpcentre": set(),
    "wear": {"leases", "quotes"},
}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # Type-only imports (under TYPE_CHECKING) are not run, so they are no dependency.
    return grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)


def _ours(graph: grimp.ImportGraph) -> list[str]:
    return sorted(m for m in graph.modules if ".migrations" not in m)


def _app(module: str) -> str:
    if module == "quotes.engine" or module.startswith("portal"):
        return "foundation" if not module.startswith(COMPOSITION) else "composition"
    if module.startswith("returnkit.turnin"):
        return "returnkit.turnin"
    return module.split(".")[0]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = _ours(graph)
    edges = {m: [w for w in graph.find_modules_directly_imported_by(m) if ".migrations" not in w] for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, []))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_back_through_others(graph):
    assert _cycles(graph) == []


def test_the_engine_imports_nothing_of_the_project(graph):
    assert graph.find_modules_directly_imported_by("quotes.engine") == set()


def test_apps_import_only_the_apps_below_them(graph):
    wrong = []
    for module in _ours(graph):
        source = _app(module)
        for imported in graph.find_modules_directly_imported_by(module):
            target = _app(imported)
            if target == source or (target == "foundation" and source != "foundation"):
                continue
            if source == "composition":
                continue
            if source == "foundation" or target == "composition" or target not in MAY_IMPORT.get(source, set()):
                wrong.append(f"{module} -> {imported}")
    assert wrong == []


def test_no_app_imports_another_apps_views(graph):
    wrong = [
        f"{module} -> {imported}"
        for module in _ours(graph)
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.rsplit(".", 1)[-1].endswith("views")
        and _app(imported) not in (_app(module), "composition")
        and _app(module) != "composition"
    ]
    assert wrong == []
