"""The op families, one file each. Importing this package registers every op.

==================  ==========================================================================
family              files
==================  ==========================================================================
arithmetic          arith (+ - * / ** @), binary, rounding (floor, fmod, remainder, ...),
                    bitwise, elementwise_more (fmax, gcd, ldexp, frexp, nextafter, ...)
elementwise math    unary, explog, trig, special (lgamma, digamma, polygamma, i0, sinc)
comparison          compare (eq ... isclose, logical_*), select (maximum, where, clip)
activations         activation (relu ... softmax), activation_more (selu ... glu)
reductions, scans   reduce, reduce_more (prod, amax, std_mean, ...), scan (cumsum ...),
                    norm, stats (quantile, cov, histogram, logdet, matrix_exp, ...)
shape               shape (reshape ... pad), reshape_more (flip, roll, repeat ...),
                    stack_split, diag (tril, diagonal, trace ...)
indexing            index (getitem/index_put), gather, scatter, sort (sort, topk, unique ...),
                    select_more (isin, index_reduce, mode, *_scatter ...)
linear algebra      products (einsum, bmm, tensordot ...), products_more (inner, addmv,
                    block_diag ...), linalg_ops (inv, det, solve ...), decompositions (qr, svd,
                    eigh, pinv), distance (cdist, pdist)
neural-net ops      conv, conv3d, fold (unfold/fold), pool, pool3d, padding, grid_sample, ctc,
                    composite (short compositions with no backward of their own)
==================  ==========================================================================
"""
from . import (  # noqa: F401  (importing a family registers its ops)
    activation,
    activation_more,
    arith,
    binary,
    bitwise,
    compare,
    composite,
    conv,
    conv3d,
    ctc,
    decompositions,
    diag,
    distance,
    elementwise_more,
    explog,
    fold,
    gather,
    grid_sample,
    index,
    linalg_ops,
    norm,
    pool,
    pool3d,
    products,
    products_more,
    reduce,
    reduce_more,
    reshape_more,
    rounding,
    scan,
    scatter,
    select,
    select_more,
    shape,
    sort,
    special,
    stack_split,
    stats,
    trig,
    unary,
)
from .conv import col2im, im2col
