"""The ``scratchgrad`` command: the course tour, training, gradient checks and graph drawings.

This package sits on top of the library (``autograd`` <- ``nn`` <- ``optim`` <-
``scratchgrad``): it may import all three, and none of them imports it. Run it
as ``scratchgrad ...`` (the console entry point) or ``python -m scratchgrad ...``;
:func:`scratchgrad.cli.main` is the same command as a function.
"""
