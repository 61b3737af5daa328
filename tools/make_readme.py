"""Write README.md from nbs/index.ipynb (what `nbdev_readme` does with Quarto, which the docs CI has and this
project's dev machines do not). `--check` fails if README.md is out of date."""
import re, sys
from pathlib import Path

import nbformat
from nbconvert import MarkdownExporter

root = Path(__file__).resolve().parents[1]


def render() -> str:
    nb = nbformat.read(root / 'nbs' / 'index.ipynb', as_version=4)
    nb.cells = [c for c in nb.cells if not c.source.lstrip().startswith(('#| hide', '#|hide'))]
    body, _ = MarkdownExporter().from_notebook_node(nb)
    body = re.sub(r'\]\((results/[^)]+)\)', r'](nbs/\1)', body)   # figures live beside the notebooks
    note = '<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; edit the notebook -->\n'
    return body.strip() + '\n\n' + note


if __name__ == '__main__':
    readme, text = root / 'README.md', render()
    if '--check' in sys.argv:
        if readme.read_text() != text: sys.exit('FAIL: README.md is out of date: run python tools/make_readme.py')
    else:
        readme.write_text(text)
