"""The ``scratchgrad`` command's subcommands, one module each.

:mod:`scratchgrad.cli` imports a subcommand's module only when that subcommand
runs. The modules import ``autograd``, ``nn`` and ``optim`` at the top (this
package sits above all three), and matplotlib and tqdm only when they draw or
show progress on a terminal.
"""
