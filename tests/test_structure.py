"""The package's structure drawn from its own imports (issue 34): no module imports, directly or through others, a module
that imports it back (so the modules stack in floors, each importing only from below), and no module imports another's
private (underscored) names."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / 'rnn_weight_repr'


def runtime_nodes(tree: ast.AST):
    "Every node of `tree` but those under `if TYPE_CHECKING:` (imports for annotations only, never run)."
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == 'TYPE_CHECKING': continue
        yield node
        yield from runtime_nodes(node)


def package_imports(path: Path) -> set[tuple[str, str]]:
    "(module, name) pairs that `path` imports from the package, at any depth of the file (functions included); name '' for a whole module."
    found = set()
    for node in runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ''
            if node.level == 1: base = module                                   # from .zoo import Zoo / from . import x
            elif node.level == 0 and (module == 'rnn_weight_repr' or module.startswith('rnn_weight_repr.')): base = module[len('rnn_weight_repr.'):] if '.' in module else ''
            else: continue
            for alias in node.names:
                found.add((base, alias.name) if base else (alias.name, ''))
        elif isinstance(node, ast.Import):
            found |= {(a.name.split('.', 1)[1], '') for a in node.names if a.name.startswith('rnn_weight_repr.')}
    return found


def graph() -> dict[str, set[str]]:
    "Each module of the package → the package modules it imports (itself left out: a worker finding its own function)."
    modules = {p.stem: p for p in PACKAGE.glob('*.py') if p.stem not in ('_modidx', '__init__')}
    return {m: {target for target, _ in package_imports(p) if target in modules and target != m} for m, p in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    "A cycle of `edges` as a list of modules (first = last), or None."
    state, stack = {}, []
    def visit(m):
        state[m] = 'open'; stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 'open': return stack[stack.index(n):] + [n]
            if n not in state and (cycle := visit(n)): return cycle
        state[m] = 'done'; stack.pop()
    for m in sorted(edges):
        if m not in state and (cycle := visit(m)): return cycle
    return None


def test_imports_for_annotations_only_are_left_out(tmp_path):
    module = tmp_path / 'm.py'
    module.write_text("from .zoo import Zoo\nif TYPE_CHECKING: from rnn_weight_repr.cli import x\ndef f():\n    from rnn_weight_repr import report\n")
    assert package_imports(module) == {('zoo', 'Zoo'), ('report', '')}


def test_find_cycle_finds_one_and_only_one():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': set()}) is None
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']


def test_the_package_imports_form_no_circle():
    edges = graph()
    assert len(edges) > 20 and edges['report'] >= {'zoo', 'downstream'}        # the graph is read, not empty
    assert find_cycle(edges) is None, f"import circle: {' → '.join(find_cycle(edges))}"


def test_no_module_imports_another_modules_private_names():
    private = sorted(f"{p.stem} imports {name} from {module}" for p in PACKAGE.glob('*.py') if p.stem != '_modidx'
                     for module, name in package_imports(p) if name.startswith('_') and not name.startswith('__') and module != p.stem)
    assert not private, private


def too_long(folder: Path, limit: int = 450) -> list[str]:
    "The modules of `folder` longer than `limit` lines (nbdev's generated index left out): a module that long holds more than one idea."
    return sorted(f"{p.name}: {n} lines" for p in folder.glob('*.py') if p.stem != '_modidx'
                  and (n := len(p.read_text().splitlines())) > limit)


def test_no_module_is_over_450_lines(tmp_path):
    (tmp_path / 'long.py').write_text('x = 1\n' * 451); (tmp_path / 'short.py').write_text('x = 1\n' * 450)
    assert too_long(tmp_path) == ['long.py: 451 lines']                         # the check can fail
    assert len(list(PACKAGE.glob('*.py'))) > 20
    assert not too_long(PACKAGE), too_long(PACKAGE)
