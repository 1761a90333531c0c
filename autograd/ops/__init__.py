"""The op families, one file each. Importing this package registers every op."""
from . import arith  # noqa: F401
