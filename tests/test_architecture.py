"""The shape of the code (docs/architecture.md, ../shared/design/unit-of-work.md), checked on the source:
one way to open a transaction, one way to lock rows, hand-written SQL only in the two primitives that own
their tables, the API independent of the pages, and no import circles."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CENTER = ROOT / "center"
SQL_PRIMITIVES = {"center/control/ledger.py", "center/core/audit.py", "center/core/sql.py"}


def _sources():
    for path in sorted(CENTER.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel:
            continue
        yield rel, path.read_text(encoding="utf-8")


def _module(rel: str) -> str:
    name = rel.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def _imports(rel: str, text: str) -> set[str]:
    """Every module of `center` that `rel` imports, at module level or inside a function."""
    package = _module(rel) if rel.endswith("__init__.py") else _module(rel).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m.startswith("center.")}


def test_transactions_are_opened_only_by_the_unit_of_work():
    offenders = [
        rel for rel, text in _sources() if "transaction.atomic" in text and not rel.startswith("center/core/")
    ]
    assert offenders == [], "use @service (center.core.services), never transaction.atomic: " + ", ".join(
        offenders
    )


def test_rows_are_locked_only_through_core_locks():
    allowed = {"center/core/locks.py", "center/control/ledger.py"}
    offenders = [rel for rel, text in _sources() if "select_for_update(" in text and rel not in allowed]
    assert offenders == [], "lock with center.core.locks.lock_one/lock_many: " + ", ".join(offenders)


def test_hand_written_sql_only_in_the_ledger_and_audit_primitives():
    offenders = []
    for rel, text in _sources():
        if rel in SQL_PRIMITIVES:
            continue
        imported = _imports(rel, text)
        if "center.core.sql" in imported or ".raw(" in text or "connection.cursor(" in text:
            offenders.append(rel)
    assert offenders == [], "hand-written SQL outside the ledger and the audit append: " + ", ".join(
        offenders
    )


def test_the_api_imports_nothing_from_the_pages():
    offenders = [
        f"{rel} → {m}"
        for rel, text in _sources()
        if rel.startswith("center/api/")
        for m in _imports(rel, text)
        if m.endswith(".views") or ".views." in m
    ]
    assert offenders == [], "API modules import policies from rules.py: " + ", ".join(offenders)


def _graph() -> dict[str, set[str]]:
    modules = {_module(rel): text for rel, text in _sources()}
    rels = {_module(rel): rel for rel, _t in _sources()}
    graph = {}
    for name, text in modules.items():
        targets = set()
        for m in _imports(rels[name], text):
            # `from center.x import y` names a module when y is one, else the package itself
            while m not in modules and "." in m:
                m = m.rsplit(".", 1)[0]
            if m in modules and m != name:
                targets.add(m)
        graph[name] = targets
    return graph


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    # A package's __init__ re-exporting its modules is the package itself, not a circle.
    graph = {
        name: {t for t in targets if not (name.endswith(".services") and t.startswith(name + "."))}
        for name, targets in _graph().items()
    }
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
