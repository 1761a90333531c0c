"""The op families, one file each. Importing this package registers every op."""
from . import activation, arith, index, reduce, select, shape, unary  # noqa: F401
