"""The ``scratchgrad`` command: ``tour``, ``train``, ``gradcheck`` and ``graph``.

Each subcommand lives in :mod:`scratchgrad.apps` and is imported only when it
runs, so ``scratchgrad graph`` never loads matplotlib and ``scratchgrad --help``
loads nothing but argparse. A mistake the user can fix, a bad option value
included, is printed as one line with the fix and exit status 2; ``--debug``
shows the full traceback instead. Without a subcommand it prints its help.

Example:
    >>> main(["graph", "apple * num * tax", "--let", "apple=100", "num=2", "tax=1.1"])
    out = apple * num * tax = 220
    gradients of out:
      apple = 2.2
      num   = 110
      tax   = 200
    0
"""
from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from typing import Any, NoReturn, Sequence

from .apps._common import CLIError

MODELS = ("mlp", "lenet", "vgg-small", "resnet-small", "lstm")
OPTIMS = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")
DATASETS = "digits, mnist5k, mnist:PATH or spiral"

EPILOG = """examples:
  scratchgrad tour
  scratchgrad graph "apple * num * tax" --let apple=100 num=2 tax=1.1 -o apple_tax.svg
  scratchgrad graph "(x @ W).tanh().sum()" --let x=2x3 W=3x4 --steps frames/
  scratchgrad gradcheck mymodule:cube --shapes 3x4
  scratchgrad train --model lenet --data mnist5k --optim adam --epochs 5
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option value is one line naming the option, not the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def version() -> str:
    """The installed version of scratchgrad (``unknown`` when run from a bare checkout)."""
    try:
        return importlib.metadata.version("scratchgrad")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _common() -> _Parser:
    # SUPPRESS: a subcommand's parser must not overwrite a --debug given before it
    p = _Parser(add_help=False)
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="show the full traceback on errors")
    return p


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``scratchgrad`` with its four subcommands."""
    common = _common()
    parser = _Parser(
        prog="scratchgrad", parents=[common],
        description="Reverse-mode autodiff on numpy: the course tour, training, "
                    "gradient checks and computational-graph drawings.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"scratchgrad {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_tour, _add_train, _add_gradcheck, _add_graph):
        add(sub, common)
    return parser


def _add_tour(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tour", parents=[common],
                       help="the newcomer's first run (well under a minute)",
                       description="Apple tax graph, an XOR MLP and a LeNet on 5,000 MNIST "
                                   "digits; writes pictures, curves and a checkpoint.")
    p.add_argument("--out", default="scratchgrad-out", help="output folder (default: %(default)s)")
    p.add_argument("--epochs", type=int, default=None, help="LeNet epochs (default: 15)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    p.set_defaults(app="tour")


def _add_train(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("train", parents=[common], help="train a model on a dataset",
                       description="Train a model with a progress bar per epoch; writes "
                                   "curves, a summary table and a checkpoint.")
    p.add_argument("--model", help=f"one of {', '.join(MODELS)} (default: mlp)")
    p.add_argument("--data", help=f"one of {DATASETS} (default: digits)")
    p.add_argument("--optim", help=f"one of {', '.join(OPTIMS)} (default: adam)")
    p.add_argument("--lr", type=float, help="learning rate (default: per optimizer)")
    p.add_argument("--batch-size", type=int, help="default: 64")
    p.add_argument("--epochs", type=int, help="total epochs, counting resumed ones (default: 5)")
    p.add_argument("--weight-decay", type=float, help="default: 0")
    p.add_argument("--dropout", type=float, help="dropout probability (default: 0)")
    p.add_argument("--seed", type=int, help="seed of init, split, order, dropout (default: 0)")
    p.add_argument("--val-split", type=float,
                   help="fraction of the training set held out for validation (default: 0.1)")
    p.add_argument("--test-split", type=float,
                   help="fraction held out for the final test, unless the data has its own "
                        "test set (default: 0.2)")
    p.add_argument("--early-stopping", type=int, metavar="PATIENCE",
                   help="stop after PATIENCE epochs without a better validation loss "
                        "(default: 0, off)")
    p.add_argument("--scheduler", help="none, step, cosine or plateau (default: none)")
    p.add_argument("--resume", metavar="CKPT", default=None,
                   help="continue the run saved in CKPT exactly where it stopped "
                        "(its options are kept; raise --epochs to train longer)")
    p.add_argument("--out", default=None,
                   help="folder for the checkpoint, curves and metrics (default: "
                        "scratchgrad-out/train, or with --resume the checkpoint's folder)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    p.set_defaults(app="train")


def _add_gradcheck(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("gradcheck", parents=[common],
                       help="gradient-check your function against finite differences",
                       description="Import MODULE (only that), call FUNCTION (or a Function "
                                   "subclass's apply) on random inputs of the given shapes and "
                                   "compare its backward with central differences. "
                                   "Exit status 0 if every input passes, 1 if one fails.")
    p.add_argument("target", metavar="MODULE:FUNCTION", help="e.g. mymodule:cube")
    p.add_argument("--shapes", required=True, help="one shape per input, e.g. 3x4,4")
    p.add_argument("--dtype", default="float64", choices=("float64", "float32"),
                   help="input dtype (default: float64)")
    p.add_argument("--eps", type=float, default=1e-6, help="finite-difference step")
    p.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance")
    p.add_argument("--rtol", type=float, default=1e-3, help="relative tolerance")
    p.add_argument("--positive", action="store_true",
                   help="draw inputs from [0.5, 2) (for log, sqrt, ...) instead of N(0, 1)")
    p.add_argument("--seed", type=int, default=0, help="default: %(default)s")
    p.set_defaults(app="gradcheck_cmd")


def _add_graph(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("graph", parents=[common],
                       help="evaluate an expression, backpropagate, draw its graph",
                       description="Evaluate EXPR over named values, run backward, print "
                                   "every gradient and draw the textbook computational graph.")
    p.add_argument("expr", metavar="EXPR", help='e.g. "apple * num * tax"')
    p.add_argument("--let", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                   help="a number (apple=100), a list (v=[1,2]) or a shape of random "
                        "values (W=3x4, b=randn:4, p=rand:3)")
    p.add_argument("-o", "--output", default=None,
                   help="write the graph: .svg/.png/.pdf (need Graphviz), .dot or .mmd")
    p.add_argument("--steps", metavar="DIR", default=None,
                   help="also write one frame per backward step into DIR")
    p.add_argument("--mermaid", action="store_true", help="print the graph as Mermaid text")
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"),
                   help="dtype of the values (default: float32)")
    p.add_argument("--seed", type=int, default=0, help="seed for random values")
    p.set_defaults(app="graph_cmd")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    first = text.splitlines()[0]
    return first if not isinstance(exc, Exception) or _is_user_error(exc) else (
        f"{type(exc).__name__}: {first}")


def _is_user_error(exc: BaseException) -> bool:
    return isinstance(exc, CLIError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``scratchgrad`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Args:
        argv: the command-line words after the program name.

    Returns:
        0 on success (and for bare ``scratchgrad``, which prints the help), 1 when a
        check fails (``gradcheck``), 2 on a usage error, 130 when interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help or a usage error: argparse already printed it
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    if args.command is None:                  # bare `scratchgrad`: say what it can do
        parser.print_help()
        return 0
    debug = bool(getattr(args, "debug", False))
    try:
        module = importlib.import_module(f"{__package__}.apps.{args.app}")
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        if debug:
            raise
        print(f"scratchgrad {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        hint = "" if _is_user_error(exc) else " (run again with --debug for the traceback)"
        print(f"scratchgrad {args.command}: error: {_one_line(exc)}{hint}", file=sys.stderr)
        return 2
