"""Optimizers and learning-rate schedulers, with PyTorch's names and update rules.

``SGD``, ``Adagrad``, ``RMSprop``, ``Adam``, ``AdamW``, ``Adadelta``, ``Adamax``,
``NAdam``, ``RAdam``, ``Rprop``, ``ASGD`` and ``LBFGS`` take the same steps as
``torch.optim``'s for the same start and options: bit for bit for SGD in
float32, and otherwise within the last bits by which PyTorch's fused,
vectorised kernels can differ from numpy's (tests/optim/test_torch_parity.py,
tests/optim/test_more_optimizers.py). ``Momentum`` and ``AdaGradEpsInRoot``
(also named ``CourseAdaGrad``) are the course's formulas written exactly as the
notes give them (see :mod:`optim.course` for how they differ from PyTorch's).
``optim.lr_scheduler`` holds the schedules; ``EarlyStopping`` watches a
validation metric.

Example:
    >>> import autograd as ag
    >>> import optim
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1)
    >>> sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    >>> w.grad = ag.tensor([1.0, 1.0])
    >>> opt.step(); sched.step()
    >>> w, sched.get_last_lr()
    (tensor([0.9000, 1.9000], requires_grad=True), [0.05])
"""
from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .course import AdaGradEpsInRoot, CourseAdaGrad, Momentum
from .early_stopping import EarlyStopping
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer, required
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = [
    "Optimizer", "required", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "Adamax",
    "NAdam", "RAdam", "Rprop", "ASGD", "LBFGS", "Momentum", "AdaGradEpsInRoot", "CourseAdaGrad",
    "EarlyStopping", "lr_scheduler", "swa_utils",
]
