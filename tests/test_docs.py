"""The docs as a reader sees them: every chapter processed by nbdev, rendered to HTML and opened in headless Chromium.

Quarto builds the real site on GitHub Actions; here nbdev's `proc_nbs` (what `nbdev_proc_nbs` runs) applies nbdev's processing (hidden cells,
`show_doc`, directives) and nbconvert renders each processed notebook. A page fails if Chromium cannot load it, if
it lost its title, or if it shows a Python traceback or an error output.
"""
import ast, json, os, re, shutil, subprocess, sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.name for p in (ROOT / 'nbs').glob('*.ipynb'))
BIN = Path(sys.executable).parent


def chromium() -> str:
    found = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if not found:
        if os.environ.get('CI'): pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    return found


@pytest.fixture(scope='module')
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp('html')
    # nbdev's processing as `nbdev_proc_nbs` does it, without its attempt to download and install Quarto
    processed = subprocess.run([sys.executable, '-c', 'from nbdev.serve import proc_nbs; print(proc_nbs(n_workers=0, force=True))'],
                               cwd=ROOT, capture_output=True, text=True)
    assert processed.returncode == 0, f"nbdev could not process the notebooks:\n{processed.stderr[-3000:]}"
    proc = Path(processed.stdout.strip().splitlines()[-1])
    notebooks = [str(with_title_from_front_matter(proc / name)) for name in CHAPTERS]
    subprocess.run([BIN / 'jupyter', 'nbconvert', '--to', 'html', '--output-dir', str(out), *notebooks],
                   check=True, capture_output=True)
    return out


def with_title_from_front_matter(path: Path) -> Path:
    "Quarto shows the front matter nbdev writes (title, description) as the page's heading; nbconvert does not, so add it."
    nb = json.loads(path.read_text())
    first = nb['cells'][0] if nb['cells'] else None
    if first and first['cell_type'] == 'raw' and ''.join(first['source']).startswith('---'):
        meta = yaml.safe_load(''.join(first['source']).strip().strip('-')) or {}
        heading = f"# {meta.get('title', '')}\n\n> {meta.get('description', '')}"
        nb['cells'][0] = dict(cell_type='markdown', metadata={}, source=heading)
        path.write_text(json.dumps(nb))
    return path


def cells_of(row: str) -> int:
    "Cells of a Markdown table row: '|' inside code spans and math, and escaped '\\|', do not count."
    row = re.sub(r'\$[^$]*\$', '', re.sub(r'`[^`]*`', '', row)).replace('\\|', '')
    return row.strip().strip('|').count('|') + 1


def table_problems(markdown: str) -> list[str]:
    "Each Markdown table (consecutive lines starting with '|') needs a header, a separator line, and rows as wide as the header."
    blocks, block = [], []
    for line in markdown.split('\n') + ['']:
        if line.lstrip().startswith('|'): block.append(line.strip())
        elif block: blocks.append(block); block = []
    problems = []
    for block in blocks:
        if len(block) < 2 or not re.fullmatch(r'\|(:?-+:?\|)+', block[1].replace(' ', '')):
            problems.append(f"a table row without a header and separator line above it: {block[0][:90]!r}"); continue
        problems += [f"a row of {cells_of(row)} cells in a table of {cells_of(block[0])}: {row[:90]!r}"
                     for row in block[2:] if cells_of(row) != cells_of(block[0])]
    return problems


def test_table_problems_finds_a_stray_row_and_a_short_row():
    good = "| file | holds |\n|---|---:|\n| `a|b` | $|z|$ and \\| |\n"
    assert table_problems(good) == []
    assert 'without a header' in table_problems(good + "\nsome prose\n| `manifest.json` | spec |\n")[0]
    assert 'a row of 1 cells in a table of 2' in table_problems(good + "| lonely |\n")[0]


@pytest.mark.parametrize('chapter', CHAPTERS)
def test_every_markdown_table_is_whole(chapter):
    "A row that slipped out of its table renders as a paragraph of pipes; a short row shifts its cells."
    cells = json.loads((ROOT / 'nbs' / chapter).read_text())['cells']
    problems = [f"cell {i}: {p}" for i, c in enumerate(cells) if c['cell_type'] == 'markdown' for p in table_problems(''.join(c['source']))]
    assert not problems, f"{chapter}: " + '; '.join(problems)


def test_readme_and_result_tables_are_whole():
    for path in [ROOT / 'README.md', *sorted((ROOT / 'nbs' / 'results').rglob('*.md'))]:
        assert not table_problems(path.read_text()), f"{path}: {table_problems(path.read_text())}"


def imports_mixed_with_code(source: str) -> bool:
    """Whether a cell imports and also runs other code: nbdev's docs processing executes every cell that imports (its FAQ),
    so such a test cell would run without the cells before it, while the docs are built."""
    if re.search(r'^#\|\s*(export|exports|exporti|exec_doc|eval:\s*false)\b', source, re.M): return False
    try: tree = ast.parse('\n'.join(line for line in source.splitlines() if not line.lstrip().startswith(('%', '!'))))
    except SyntaxError: return False
    imports = any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree))
    return imports and any(not isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)


def test_imports_mixed_with_code_finds_the_cells_docs_processing_would_run():
    assert imports_mixed_with_code("import tempfile\ntmp = tempfile.mkdtemp()")
    assert imports_mixed_with_code("def f():\n    from pathlib import Path\n    return Path()")
    assert not imports_mixed_with_code("import tempfile\nfrom pathlib import Path")
    assert not imports_mixed_with_code("#| export\nimport os\nX = os.sep")
    assert not imports_mixed_with_code("tmp = Path('x')")


@pytest.mark.parametrize('chapter', CHAPTERS)
def test_no_cell_mixes_imports_with_code(chapter):
    cells = json.loads((ROOT / 'nbs' / chapter).read_text())['cells']
    mixed = [i for i, c in enumerate(cells) if c['cell_type'] == 'code' and imports_mixed_with_code(''.join(c['source']))]
    assert not mixed, f"{chapter}: cells {mixed} import and run other code; move the imports to the chapter's import cell"


@pytest.mark.parametrize('chapter', CHAPTERS)
def test_chapter_renders_and_opens_without_errors(rendered, chapter):
    page = rendered / chapter.replace('.ipynb', '.html')
    assert page.exists(), f"{chapter} was not rendered"
    result = subprocess.run([chromium(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                             '--virtual-time-budget=3000', '--dump-dom', page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    dom = result.stdout
    assert result.returncode == 0 and '<body' in dom, f"chromium could not load {page}: {result.stderr[-500:]}"
    title = re.search(r'<h1[^>]*>(.*?)</h1>', dom, re.S)
    assert title and re.sub('<[^>]+>', '', title.group(1)).strip(), f"{chapter}: the page has no title"
    assert 'Traceback (most recent call last)' not in dom, f"{chapter}: the page shows a Python traceback"
    errors = [text for text in _stderr_outputs(dom) if re.search(r'\w*Error\b', text)]
    assert not errors, f"{chapter}: an error in a cell's output: {errors[0][:300]}"


def _stderr_outputs(dom: str) -> list[str]:
    "The text of each output that a cell wrote to stderr (nbconvert marks them with a data-mime-type attribute)."
    blocks = re.findall(r'data-mime-type="application/vnd\.jupyter\.stderr".*?</pre>', dom, re.S)
    return [re.sub('<[^>]+>', '', block) for block in blocks]
