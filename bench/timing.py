"""The benchmarks' one timer: warm-up calls, then the median wall-clock and process-CPU seconds of a call, CUDA synchronised.

The scripts beside it import it as `from timing import timed` (Python puts a script's own folder first on its path)."""
import time
from typing import NamedTuple

import torch


class Timing(NamedTuple):
    wall: float   # median wall-clock seconds per call
    cpu: float    # median process-CPU seconds per call: steadier than wall-clock on a shared machine


def sync(device) -> None:
    "Wait for the device's queued kernels, so that a timer measures them and not their launch."
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)


def timed(fn, device='cpu', repeats: int = 5, warmup: int = 1) -> Timing:
    "Median seconds of `repeats` calls of `fn` after `warmup` calls (allocations, kernel selection, compilation)."
    if repeats < 1: raise ValueError(f"repeats: expected 1 or more, got {repeats}")
    for _ in range(warmup): fn()
    sync(device)
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn(); sync(device)
        walls.append(time.perf_counter() - wall); cpus.append(time.process_time() - cpu)
    median = lambda values: sorted(values)[len(values) // 2]
    return Timing(median(walls), median(cpus))
