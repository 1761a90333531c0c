"""The op families, one file each. Importing this package registers every op."""
from . import activation, arith, conv, index, pool, reduce, select, shape, unary  # noqa: F401
from . import ctc, fold  # noqa: F401
from . import activation_more, binary, bitwise, compare, composite, explog, rounding, trig  # noqa: F401
from . import decompositions, linalg_ops, products  # noqa: F401  (products, matrix functions)
from . import diag, gather, reshape_more, scatter, sort  # noqa: F401
from . import norm, reduce_more, scan, stack_split  # noqa: F401
from .conv import col2im, im2col
