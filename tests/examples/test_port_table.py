"""The import table that ports a PyTorch script: each row, and that nothing else changes."""
import doctest
import importlib.util
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")


def _load_runner():
    spec = importlib.util.spec_from_file_location("run_ported",
                                                  os.path.join(EXAMPLES, "run_ported.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("run_ported", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


runner = _load_runner()
SCRIPTS = sorted(f for f in os.listdir(EXAMPLES)
                 if f.endswith(".py") and f != "run_ported.py")


@pytest.mark.parametrize("before, after", [
    ("import torch", "import autograd as torch"),
    ("import torch.nn as nn", "import nn"),
    ("from torch import nn", "import nn"),
    ("import torch.nn.functional as F", "import nn.functional as F"),
    ("import torch.optim as optim", "import optim"),
    ("from torch import optim", "import optim"),
    ("from torch import nn, optim", "import nn, optim"),
    ("from torch.optim.lr_scheduler import StepLR, OneCycleLR",
     "from optim.lr_scheduler import StepLR, OneCycleLR"),
    ("from torch.utils.data import DataLoader, TensorDataset",
     "from autograd.utils.data import DataLoader, TensorDataset"),
    ("from torchvision import datasets, transforms", "from nn import datasets, transforms"),
    ("from torchvision.utils import save_image", "from nn.utils import save_image"),
    ("    from torchvision import datasets", "    from nn import datasets"),
    ("import torchvision.utils as vutils", "import nn.utils as vutils"),
    ("import torchvision.transforms as transforms", "import nn.transforms as transforms"),
    ("from torch.distributions import Normal, kl_divergence",
     "from autograd.distributions import Normal, kl_divergence"),
    ("from torch.amp import GradScaler", "from autograd.amp import GradScaler"),
    ("    from torch.autograd.functional import jacobian",
     "    from autograd.functional import jacobian"),
])
def test_each_row_of_the_table(before, after):
    assert runner.port_line(before + "\n") == after + "\n"


@pytest.mark.parametrize("line", [
    "x = torch.zeros(3)  # import torch",
    "device = torch.device('cpu')",
    "print('import torch')",
    "import torchaudio_like_name_is_not_torch",
])
def test_other_lines_are_left_alone(line):
    assert runner.port_line(line) == line


def test_an_uncovered_torch_import_is_refused():
    with pytest.raises(ValueError, match="outside the porting table.*torch.distributed"):
        runner.port_source("import torch\nimport torch.distributed as dist\n")


@pytest.mark.parametrize("script", SCRIPTS)
def test_examples_change_only_their_import_lines(script):
    with open(os.path.join(EXAMPLES, script), encoding="utf-8") as f:
        source = f.read()
    ported = runner.port_source(source)
    assert len(ported.splitlines()) == len(source.splitlines())
    changes = runner.changed_lines(source)
    assert changes, f"{script} has no torch imports to port"
    for before, after in changes:
        assert re.match(r"\s*(import|from) (torch|torchvision)\b", before), before
        assert re.match(r"\s*(import|from) (autograd|nn|optim)\b", after), after
    assert "import torch\n" in source  # written as PyTorch code


def test_losses_are_read_from_loss_lines_only():
    out = ("epoch 1 step 0 loss 2.302585\nepoch 1 val_loss 1.5 val_ppl 4.48\n"
           "step 3 lr 0.1 loss 1.2e-03 grad_norm 0.5\ntest_loss 0.25\naccuracy 0.9\n")
    losses, values = runner.parse(out)
    assert losses == [2.302585, 1.2e-3]
    assert values == {"test_loss": 0.25, "accuracy": 0.9}


def test_runner_doctests():
    result = doctest.testmod(runner, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6 and result.failed == 0


def test_the_ported_distribution_functional_and_amp_imports_resolve():
    ns: dict = {}
    for line in ("from torch.distributions import Normal, kl_divergence",
                 "from torch.autograd.functional import jacobian",
                 "from torch.amp import GradScaler"):
        exec(runner.port_line(line + "\n"), ns)
    assert {"Normal", "kl_divergence", "jacobian", "GradScaler"} <= set(ns)
