# numpy's side of the path checks: replays given linear paths with numpy.einsum_path and finds
# numpy's own greedy and optimal paths, reporting every step's FLOPs exactly as numpy counts them.
# Reads one JSON request on stdin, writes one JSON answer on stdout. Run with /usr/bin/python3.
import json
import signal
import sys
import time

import numpy as np
from numpy.core import einsumfunc


class OutOfTime(Exception):
    pass


def on_alarm(_signum, _frame):
    raise OutOfTime()


signal.signal(signal.SIGALRM, on_alarm)

recorded = []
original_flop_count = einsumfunc._flop_count


def recording_flop_count(*args):
    cost = original_flop_count(*args)
    recorded.append(int(cost))
    return cost


def run(spec, operands, optimize):
    """Returns (path, naive, step costs, step result sizes) as numpy computes them."""
    recorded.clear()
    einsumfunc._flop_count = recording_flop_count
    try:
        path, _ = np.einsum_path(spec, *operands, optimize=optimize)
    finally:
        einsumfunc._flop_count = original_flop_count
    # The search itself calls _flop_count too; the last len(path) calls are the reported steps,
    # and the naive cost is computed just before the search.
    steps = recorded[len(recorded) - (len(path) - 1):]
    _, contractions = np.einsum_path(spec, *operands, optimize=path, einsum_call=True)
    sizes = {}
    for letter, size in zip(spec.split('->')[0].replace(',', ''), (d for o in operands for d in o.shape)):
        sizes[letter] = size
    results = []
    for contraction in contractions:
        out = contraction[2].split('->')[1]
        results.append(int(np.prod([sizes[c] for c in out], dtype=np.float64)))
    return [list(step) for step in path[1:]], steps, results


def naive(spec, operands):
    recorded.clear()
    einsumfunc._flop_count = recording_flop_count
    try:
        np.einsum_path(spec, *operands, optimize=False)
    finally:
        einsumfunc._flop_count = original_flop_count
    return recorded[0]


def main():
    request = json.load(sys.stdin)
    answers = []
    for case in request['cases']:
        spec = case['spec']
        # Zero-strided views: the shapes without the memory.
        operands = [np.lib.stride_tricks.as_strided(np.zeros(1), shape=tuple(s), strides=(0,) * len(s))
                    for s in case['shapes']]
        answer = {'naive': naive(spec, operands), 'given': {}, 'numpy': {}}
        for name, path in case.get('paths', {}).items():
            _, steps, results = run(spec, operands, ['einsum_path'] + [tuple(p) for p in path])
            answer['given'][name] = {'steps': steps, 'sizes': results}
        for name in case.get('optimizers', []):
            limit = case.get('timeLimit', 10.0)
            signal.setitimer(signal.ITIMER_REAL, limit)
            start = time.perf_counter()
            try:
                path, steps, results = run(spec, operands, name)
                seconds = time.perf_counter() - start
                signal.setitimer(signal.ITIMER_REAL, 0)
            except OutOfTime:
                answer['numpy'][name] = {'timedOut': True, 'seconds': limit}
                continue
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            # The search alone, repeated like ours: the median of runs until 100 ms or 200 runs.
            times = []
            spent = 0.0
            while request.get('timing', False) and spent < 0.1 and len(times) < 200:
                begin = time.perf_counter()
                np.einsum_path(spec, *operands, optimize=name)
                times.append(time.perf_counter() - begin)
                spent += times[-1]
            if len(times) <= 1:
                times = [seconds]
            answer['numpy'][name] = {'path': path, 'steps': steps, 'sizes': results,
                                     'seconds': sorted(times)[len(times) // 2]}
        answers.append(answer)
    json.dump({'numpy': np.__version__, 'answers': answers}, sys.stdout)


main()
