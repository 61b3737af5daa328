"""One evaluation of codes on the tiny zoo, with BLAS held to one thread by a fresh `threadpool_limits` at every fit and prediction (as
before 2026-12-06) and by `one_blas_thread` (one ThreadpoolController per process), side by side, three times each.

    OMP_NUM_THREADS=1 python bench/bench_blas_lookup.py"""
import tempfile, time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import rnn_weight_repr.downstream as downstream
import rnn_weight_repr.properties as properties
from rnn_weight_repr.downstream import Protocol, evaluate_codes
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import zoo_config


def lookup_every_call():
    "As before: the loaded libraries looked up at every fit and prediction."
    return threadpool_limits(1, user_api='blas')


zoo = generate_zoo(zoo_config('tiny'), Path(tempfile.mkdtemp()) / 'zoo', device='cpu', progress=False)
codes = np.random.default_rng(0).normal(size=(len(zoo), 16)).astype(np.float32)
protocol = Protocol(seeds=2, partitions=3, inits=2, resamples=200, min_performance=0)   # the notebooks' quick protocol
reference, now = evaluate_codes(codes, zoo, protocol), properties.one_blas_thread
for rep in range(3):
    for name, limit in (('a lookup per call', lookup_every_call), ('one_blas_thread', now)):
        properties.one_blas_thread = downstream.one_blas_thread = limit     # every place the predictors are held to one thread
        start = time.perf_counter(); scores = evaluate_codes(codes, zoo, protocol); seconds = time.perf_counter() - start
        same = all(np.array_equal(np.asarray(scores[k]['values']), np.asarray(reference[k]['values'])) for k in reference)
        print(f"{name:18} {seconds:5.2f} s per evaluate_codes   same scores: {same}")
