"""The ``scratchgrad`` command's subcommands, one module each.

Nothing here is imported by ``import autograd``; :mod:`scratchgrad.cli` imports a
subcommand's module only when that subcommand runs, and the modules import
matplotlib and tqdm only when they draw or show progress.
"""
