"""Imports go one way: data -> registry -> models -> engine -> outputs, counted with the imports
inside functions; calc's own modules are imported at the top; no module takes another's private
names; no import circle."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "calc"

# lower number = lower layer; a module may import only from its own layer or below (inside
# functions too, but for ALLOWED_INSIDE_FUNCTIONS)
LAYERS = {
    "calc.errors": 0, "calc.cache_dir": 0, "calc.units": 0, "calc.cache": 0, "calc.yamlio": 0, "calc.glossary": 0, "calc.expr": 0,
    "calc.uncertainty": 0, "calc.format": 0, "calc.display": 0, "calc.shipped": 0, "calc.suggest": 0, "calc.dates": 0,
    "calc.jupyter": 0,                  # IPython display formatters, registered by `import calc`
    "calc.optional": 0,                 # optional modules (matplotlib, openpyxl) and pandas, imported when used
    "calc.progress": 0,                 # the progress bar: plain Python, on stderr
    "calc.registry": 1, "calc.citations": 1, "calc.ledger": 1,   # ledger: data/deals.yaml, read by the registry loader
    "calc.ledger_count": 1,             # which ledger rows count at a date
    "calc.periods": 1,                  # dates and periods of a timeline: plain numpy, below the models
    "calc.models": 2, "calc.values": 2,
    "calc.plan": 3, "calc.engine": 4,
    "calc.result": 5, "calc.checks": 5, "calc.findings": 5, "calc.plausible": 5, "calc.precision": 5,
    "calc.sensitivity": 5, "calc.solve": 5,
    "calc.scenario_keys": 6,            # the scenario format: its keys as data, and their reader
    "calc.financing_keys": 6,           # the financing block's keys and reader (scenario_keys uses it)
    "calc.run": 6, "calc.api": 7, "calc.scenario": 7, "calc.deal_table": 7, "calc.ledger_flows": 7,
    # the writers of a Result are its peers: they import nothing above the result's layer; the
    # writers of the deals ledger, the docs and the schema need the layers above it
    "calc.output": 5, "calc.output.deals": 8, "calc.output.docs": 8, "calc.output.schema": 8,
    "calc.plots": 5,                    # calc.output.plots under a short name (the same module)
    "calc.cli": 9, "calc.cli_parser": 9,
}


def layer(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in LAYERS:
            return LAYERS[name]
    raise KeyError(module)


def imports_of(path: Path) -> list[tuple[str, int, bool, list[str]]]:
    """Every import of a calc module in ``path``: (module, line, at module level?, names taken).

    ``from calc import x`` imports ``calc.x`` when x is a module, else takes the name x from
    ``calc`` (``from calc import __version__``). Imports under ``if TYPE_CHECKING:`` are not counted:
    they never run.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    top = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "calc":
            names = [a.name for a in node.names]
            if node.module == "calc":
                for n in names:
                    is_module = (PKG / f"{n}.py").exists() or (PKG / n).is_dir()
                    out.append((f"calc.{n}" if is_module else "calc", node.lineno, id(node) in top, [n]))
            else:
                out.append((node.module, node.lineno, id(node) in top, names))
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno, id(node) in top, []) for a in node.names
                    if a.name.split(".")[0] == "calc"]
    return out


def name_of(path: Path) -> str:
    return ".".join(path.relative_to(PKG.parent).with_suffix("").parts).removesuffix(".__init__")


MODULES = sorted(p for p in PKG.rglob("*.py") if p.name != "__init__.py" or p.parent != PKG)

# The function-level imports of calc's own modules that are allowed, each for a measured reason:
# - calc/cli.py imports what each command needs when it runs: importing every command's modules at
#   the top costs about 30 ms of a 0.27 s start (165 ms with pandas, which deal_table needs), which
#   would put the cold start over its 0.5x target (README, Speed);
# - Result's three renderers and calc.figures' table: importing the text, HTML and explain writers
#   at the top of result.py or api.py would load them (about 15 ms, plots included) with every
#   calc.load and every `calc run --format json`; the text cells of `res.table(formatted=True)`
#   (calc.output.frame) likewise;
# - calc.jupyter, which `import calc` loads to register IPython's formatters: it must not load pint
#   (test_import_calc_is_light), so it imports the units and calc.show when a quantity is shown.
ALLOWED_INSIDE_FUNCTIONS = {
    "calc.result": {"calc.output.explain", "calc.output.html", "calc.output.text",
                    "calc.output.frame"},
    "calc.jupyter": {"calc.units", "calc.display"},
    "calc.api": {"calc.output.html"},
}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG.parent)))
def test_imports_go_one_way_inside_functions_too(path):
    name, upward = name_of(path), []
    own = layer(name)
    for imported, line, _, _ in imports_of(path):
        if imported != "calc" and layer(imported) > own:
            upward.append(f"{name}:{line} (layer {own}) imports {imported} (layer {layer(imported)})")
    assert upward == []


def test_calcs_own_modules_are_imported_at_the_top():
    inside = [f"{name_of(p)}:{line} imports {imported}" for p in MODULES + [PKG / "__init__.py"]
              for imported, line, at_top, _ in imports_of(p)
              if not at_top and name_of(p) != "calc.cli"
              and imported not in ALLOWED_INSIDE_FUNCTIONS.get(name_of(p), ())]
    assert inside == []
    # the allowed ones are still there (else the list above is stale)
    for module, allowed in ALLOWED_INSIDE_FUNCTIONS.items():
        found = {i for i, _, at_top, _ in imports_of(PKG / (module.removeprefix("calc.") + ".py"))
                 if not at_top}
        assert allowed <= found, module


def test_no_module_imports_another_modules_private_names():
    private = [f"{name_of(p)}:{line} takes {n} from {imported}" for p in MODULES
               for imported, line, _, names in imports_of(p) for n in names
               if n.startswith("_") and not n.startswith("__") and imported != name_of(p)]
    assert private == []


def module_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> the calc module it is bound to (``import calc.x as m``, ``from calc import
    x``, ``from calc.output import xlsx``)."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.asname: a.name for a in node.names if a.asname and a.name.startswith("calc.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("calc"):
            for a in node.names:
                full = f"{node.module}.{a.name}"
                where = PKG.parent / full.replace(".", "/")
                if where.with_suffix(".py").exists() or where.is_dir():
                    out[a.asname or a.name] = full
    return out


def private_attributes(source: str, name: str) -> list[str]:
    """Every ``module._name`` the module ``name`` (its ``source``) reads from another calc module
    bound to a local name."""
    tree = ast.parse(source)
    aliases = module_aliases(tree)
    return [f"{name}:{node.lineno} reads {aliases[node.value.id]}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in aliases and node.attr.startswith("_")
            and not node.attr.startswith("__") and aliases[node.value.id] != name]


def test_no_module_reads_another_modules_private_names():
    assert [hit for p in MODULES
            for hit in private_attributes(p.read_text(encoding="utf-8"), name_of(p))] == []
    # what it catches (output/deals.py took xlsx._openpyxl and xlsx._sheet before issue 21)
    sample = ("from calc.output import xlsx\nimport calc.units as u\n"
              "book = xlsx._openpyxl()\nx = u._SCALES\ny = xlsx.result_xlsx\n")
    assert sorted(private_attributes(sample, "calc.output.deals")) == [
        "calc.output.deals:3 reads calc.output.xlsx._openpyxl",
        "calc.output.deals:4 reads calc.units._SCALES"]


def test_models_touch_no_registry_or_io():
    for path in (PKG / "models").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("calc.registry", "calc.engine", "open(", "print("):
            assert forbidden not in text, f"{path.name} uses {forbidden}"


def test_import_calc_is_light():
    # `import calc` must not import pint, pandas or matplotlib: names load on first use
    code = "import sys, calc; print(' '.join(m for m in ('pint', 'pandas', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_one_unit_registry():
    hits = [p for p in PKG.rglob("*.py") if "UnitRegistry(" in p.read_text(encoding="utf-8")]
    assert [p.name for p in hits] == ["units.py"]


def all_imports(path: Path) -> set[str]:
    """Every calc module ``path`` imports, at module level or inside a function."""
    return {m for m, _, _, _ in imports_of(path) if m != "calc"}


def import_graph() -> dict[str, set[str]]:
    """module -> the calc modules it imports (function-level imports included); packages' own
    ``__init__`` re-exports are left out, they only name what lies below them."""
    graph = {}
    for path in MODULES + [PKG / "__init__.py"]:
        name = name_of(path)
        graph[name] = {m for m in all_imports(path) if m != name}
    return graph


def test_no_import_circle_even_through_function_level_imports():
    graph = import_graph()
    state: dict[str, int] = {}

    def walk(n, path):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                raise AssertionError("import circle: " + " -> ".join(path[path.index(m):] + [m]))
            if m not in state and m in graph:
                walk(m, path + [m])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            walk(n, [n])
    # the circle issue 9 removed: engine -> result -> sensitivity -> engine
    assert "calc.result" not in graph["calc.engine"] and "calc.run" not in graph["calc.engine"]


def test_the_engine_knows_nothing_above_it():
    # arrays only: no result, run, scenario, checks, citations or output modules
    above = {"calc.result", "calc.run", "calc.scenario", "calc.api", "calc.checks", "calc.citations",
             "calc.findings", "calc.sensitivity", "calc.cli"}
    graph = import_graph()
    for module in ("calc.engine", "calc.plan", "calc.values", "calc.registry"):
        assert not (graph[module] & above), module


# Only the code that builds the period axis asks whether a scenario has a timeline: the axis
# (values.PeriodAxis, with the Timeline of calc.periods), the scenario reader that reads the
# timeline and financing blocks into it, and Scenario.axis. Everything else reads the axis.
AXIS_BUILDERS = {"values.py", "periods.py", "scenario_keys.py", "financing_keys.py", "scenario.py"}
TIMELINE_BRANCH = re.compile(r"\btimeline\)? is (not )?None|\b(get|has)attr\([^)]*[\"']timeline")


def test_no_module_but_the_axis_asks_whether_there_is_a_timeline():
    """Issue 21 counted 22 ``timeline is None`` branches and 10 ``getattr(..., "timeline", ...)``
    outside calc/timeline/; a writer reads ``result.axis`` (``step``, ``labels``) instead."""
    asks = [f"calc/{p.relative_to(PKG).as_posix()}:{n}: {line.strip()}"
            for p in sorted(PKG.rglob("*.py")) if p.relative_to(PKG).as_posix() not in AXIS_BUILDERS
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if TIMELINE_BRANCH.search(line)]
    assert asks == []
    # the pattern finds the branches it is meant to find
    assert TIMELINE_BRANCH.search("if result.timeline is None:")
    assert TIMELINE_BRANCH.search('tl = getattr(result, "timeline", None)')
    assert TIMELINE_BRANCH.search("step = self.axis.timeline.step") is None


def test_lines_within_100_characters():
    """Every line of calc/ is at most 100 characters (issue 21)."""
    files = sorted(PKG.rglob("*.py"))
    assert len(files) > 50
    long = [f"calc/{p.relative_to(PKG).as_posix()}:{n}: {len(line)} characters"
            for p in files for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if len(line) > 100]
    assert long == []
