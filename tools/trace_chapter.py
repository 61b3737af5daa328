"""Run one chapter's cells as `nbdev_test` would (skipping the flags it skips), printing each cell's time as it ends; a
chapter that hangs is dumped (every thread's Python stack) after `--hang_after` seconds. For the GPU lease, where a
chapter that passes on the CPU can stall; with `--save`, the outputs of the cells it ran are written back into the
chapter (then `nbdev_clean`): how a chapter's shown outputs are refreshed after a change to what they print.

    python tools/trace_chapter.py nbs/08b_emulation.ipynb [--flags gpu] [--hang_after 150] [--save]
"""
import argparse, faulthandler, json, os, sys, time
from pathlib import Path

from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.process import NBProcessor
from nbdev.frontmatter import FrontmatterProc


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('notebook')
    parser.add_argument('--flags', nargs='*', default=[], help='tst_flags to run (as nbdev_test --flags)')
    parser.add_argument('--hang_after', type=float, default=150)
    parser.add_argument('--save', action='store_true', help="write the run cells' outputs into the notebook (only if every cell passed)")
    args = parser.parse_args()
    path = Path(args.notebook).resolve()
    skip = set(get_config().tst_flags.split()) - set(args.flags)
    os.environ['IN_TEST'] = '1'
    faulthandler.dump_traceback_later(args.hang_after, exit=True)
    nb = NBProcessor(path, procs=FrontmatterProc, process=True).nb
    raw = json.loads(path.read_text())                  # the cells as stored: `idx_` of a processed cell is its index here
    shell, start = CaptureShell(path), time.time()
    with working_directory(path.parent):
        for i, cell in enumerate(nb.cells):
            directives = getattr(cell, 'directives_', {}) or {}
            stored = raw['cells'][cell.idx_]             # the frontmatter processor turns the title into a cell of its own kind
            if stored['cell_type'] != 'code' or cell.cell_type != 'code' or 'nbdev_export(' in cell.source or skip & directives.keys(): continue
            if directives.get('eval:', [''])[0].lower() == 'false': continue
            t0 = time.time()
            outputs = shell.run(cell.source)
            failed = shell.exc
            stored['outputs'] = outputs
            print(f"{path.stem} cell {i}: {time.time() - t0:.1f}s{' FAILED' if failed else ''} | {cell.source.splitlines()[0][:70]}",
                  flush=True)
            if failed:
                for out in outputs:
                    if out.get('output_type') == 'error': print(*out.get('traceback', []), sep='\n', file=sys.stderr)
                print(repr(failed), file=sys.stderr); sys.exit(1)
    print(f"{path.stem}: all cells in {time.time() - start:.1f}s")
    if args.save: path.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + '\n'); print(f"outputs saved into {path}")


if __name__ == '__main__':
    main()
