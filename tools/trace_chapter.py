"""Run one chapter's cells as `nbdev_test` would (skipping the flags it skips), printing each cell's time as it ends; a
chapter that hangs is dumped (every thread's Python stack) after `--hang_after` seconds. For the GPU lease, where a
chapter that passes on the CPU can stall.

    python tools/trace_chapter.py nbs/08_emulation.ipynb [--flags gpu] [--hang_after 150]
"""
import argparse, faulthandler, os, sys, time
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
    args = parser.parse_args()
    path = Path(args.notebook).resolve()
    skip = set(get_config().tst_flags.split()) - set(args.flags)
    os.environ['IN_TEST'] = '1'
    faulthandler.dump_traceback_later(args.hang_after, exit=True)
    nb = NBProcessor(path, procs=FrontmatterProc, process=True).nb
    shell, start = CaptureShell(path), time.time()
    with working_directory(path.parent):
        for i, cell in enumerate(nb.cells):
            directives = getattr(cell, 'directives_', {}) or {}
            if cell.cell_type != 'code' or 'nbdev_export(' in cell.source or skip & directives.keys(): continue
            if directives.get('eval:', [''])[0].lower() == 'false': continue
            t0 = time.time()
            shell.run(cell.source)
            failed = shell.exc
            print(f"{path.stem} cell {i}: {time.time() - t0:.1f}s{' FAILED' if failed else ''} | {cell.source.splitlines()[0][:70]}",
                  flush=True)
            if failed: print(shell.prettytb(fname=path), file=sys.stderr); sys.exit(1)
    print(f"{path.stem}: all cells in {time.time() - start:.1f}s")


if __name__ == '__main__':
    main()
