"""The error an op raises for a bad shape or value.

PyTorch raises ``RuntimeError`` for shape mismatches and bad arguments (a matmul of
misaligned shapes, an impossible reshape, conv arguments that give an empty output), while
numpy-minded code catches ``ValueError``. :class:`OpError` is both, so ``except
RuntimeError`` written for PyTorch and ``except ValueError`` written for numpy each catch it.

Example:
    >>> import autograd as ag
    >>> try:
    ...     ag.ones(2, 3) @ ag.ones(2, 3)
    ... except RuntimeError as e:
    ...     print(type(e).__name__, isinstance(e, ValueError))
    OpError True
"""


class OpError(RuntimeError, ValueError):
    """A bad shape or value given to an op (PyTorch's RuntimeError, numpy's ValueError)."""


class OpNotImplementedError(NotImplementedError, ValueError):
    """A mode or dtype an op does not implement (PyTorch's NotImplementedError, itself a
    RuntimeError; and numpy's ValueError, since the argument's value is what is wrong).

    Example:
        >>> import autograd as ag
        >>> try:
        ...     ag.linspace(0, 1, 3, dtype=ag.bool)
        ... except NotImplementedError as e:
        ...     print(isinstance(e, RuntimeError), isinstance(e, ValueError))
        True True
    """
