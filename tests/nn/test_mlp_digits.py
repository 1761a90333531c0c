"""Acceptance: an MLP trained with nn + optim on scikit-learn's 8x8 digits reaches >= 97%.

Run with ``-s`` to see the accuracy and the training time.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.data import DataLoader, TensorDataset

pytest.importorskip("sklearn")
from nn.datasets import digits, shuffle_split  # noqa: E402


def _data():
    X, y = digits()  # (1797, 64) in [0, 1], (1797,)
    return shuffle_split(X, y, 0.2, seed=0)  # 1438 train / 359 test


def _mlp():
    return nn.Sequential(
        nn.Linear(64, 128),  # (N, 64) -> (N, 128)
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(128, 10),  # (N, 128) -> (N, 10) logits
    )


def _accuracy(model, X, y) -> float:
    model.eval()
    with ag.no_grad():
        pred = model(ag.tensor(X)).argmax(1).numpy()
    return float((pred == y).mean())


def train(seed: int, epochs: int, make_opt) -> tuple[nn.Module, float, float]:
    (Xtr, ytr), (Xte, yte) = _data()
    ag.manual_seed(seed)
    model = _mlp()
    opt = make_opt(model.parameters())
    crit = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(ag.tensor(Xtr), ag.tensor(ytr)), batch_size=32,
                        shuffle=True, seed=seed)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            crit(model(xb), yb).backward()
            opt.step()
    seconds = time.perf_counter() - start
    return model, _accuracy(model, Xte, yte), seconds


def adam(params):
    return optim.Adam(params, lr=3e-3)


def sgd_momentum(params):
    return optim.SGD(params, lr=0.05, momentum=0.9)


@pytest.fixture(scope="module")
def trained():
    return train(seed=0, epochs=15, make_opt=adam)


def test_mlp_reaches_97_percent(trained):
    model, acc, seconds = trained
    print(f"\nMLP 64-128-10 on digits, Adam, 15 epochs: test accuracy {acc:.4f} "
          f"in {seconds:.2f} s")
    assert acc >= 0.97


def test_checkpoint_reproduces_the_predictions(trained, tmp_path):
    model, acc, _ = trained
    nn.save({"model": model.state_dict()}, tmp_path / "mlp.npz")
    fresh = _mlp()
    fresh.load_state_dict(nn.load(tmp_path / "mlp.npz")["model"])
    (_, _), (Xte, yte) = _data()
    assert _accuracy(fresh, Xte, yte) == acc


def test_trained_weights_predict_the_same_in_torch(trained):
    torch = pytest.importorskip("torch")
    model, acc, _ = trained
    tmodel = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Dropout(0.1),
                                 torch.nn.Linear(128, 10)).eval()
    tmodel.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in model.state_dict().items()})
    (_, _), (Xte, yte) = _data()
    model.eval()
    with torch.no_grad():
        theirs = tmodel(torch.from_numpy(Xte)).numpy()
    ours = model(ag.tensor(Xte)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
    assert float((theirs.argmax(1) == yte).mean()) == acc


@pytest.mark.slow
@pytest.mark.parametrize("make_opt", [adam, sgd_momentum], ids=["adam", "sgd_momentum"])
def test_mlp_reaches_97_percent_for_every_seed(make_opt):
    accs = []
    for seed in range(5):
        _, acc, seconds = train(seed=seed, epochs=30, make_opt=make_opt)
        accs.append(acc)
        print(f"\n{make_opt.__name__} seed {seed}: {acc:.4f} in {seconds:.2f} s")
    assert min(accs) >= 0.97, accs


@pytest.mark.parametrize("ours,theirs", [
    (lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
     lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9)),
    (lambda p: optim.Adam(p, lr=3e-3), lambda t, p: t.optim.Adam(p, lr=3e-3)),
], ids=["sgd_momentum", "adam"])
def test_training_trajectory_matches_torch(ours, theirs):
    """Same start, same batches: nn + optim follow PyTorch's trajectory step for step."""
    torch = pytest.importorskip("torch")
    (Xtr, ytr), _ = _data()
    ag.manual_seed(0)
    model = _mlp().double().eval()  # eval: no dropout masks to match
    tmodel = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Dropout(0.1),
                                 torch.nn.Linear(128, 10)).double().eval()
    tmodel.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in model.state_dict().items()})
    opt, topt = ours(model.parameters()), theirs(torch, tmodel.parameters())
    X, y = Xtr.astype(np.float64), ytr
    for step in range(10):
        xb, yb = X[32 * step:32 * (step + 1)], y[32 * step:32 * (step + 1)]
        opt.zero_grad()
        loss = nn.CrossEntropyLoss()(model(ag.tensor(xb)), ag.tensor(yb))
        loss.backward()
        opt.step()
        topt.zero_grad()
        tloss = torch.nn.CrossEntropyLoss()(tmodel(torch.from_numpy(xb)), torch.from_numpy(yb))
        tloss.backward()
        topt.step()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-9)
    for (name, p), (tname, tp) in zip(model.named_parameters(), tmodel.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.numpy(), tp.detach().numpy(), rtol=1e-8, atol=1e-10)
