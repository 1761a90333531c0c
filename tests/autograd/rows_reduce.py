"""Op-table rows for the reductions and scans added beside the core ones (prod, cumsum, amax,
median, norm, ...); ``test_ops_reduce.TABLE`` includes them, so every generic walk covers them."""
import numpy as np

import autograd as ag
from tests.autograd.opspec import Nan, OpSpec
from tests.robustness import bad_op_cases as bad


def fixed(thunk, *needles):
    """A ``bad`` builder for one written call: it must raise naming the op and ``needles``."""
    return lambda op: (lambda data: (thunk, op, needles))


def _lower_median(x, d):
    s = np.sort(x, d)
    i = np.argsort(x, d, kind="stable")
    k = (x.shape[d] - 1) // 2
    return np.take(s, k, d), np.take(i, k, d)


NONEMPTY = dict(min_side=1)

ORDER = [
    OpSpec("median", ag.median, lambda x: np.sort(x.reshape(-1))[(x.size - 1) // 2],
           kw=NONEMPTY, torch="median", bad=bad.DIM_BAD,
           nan=Nan(ag.median, empty=False), non_tensor=()),
    OpSpec("median", lambda x: ag.median(x, -1), lambda x: _lower_median(x, -1),
           kw=dict(min_side=1, min_dims=1), torch=lambda T, x: T.median(x, -1)),
]

ROWS = ORDER
