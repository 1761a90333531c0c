"""An LSTM (and a GRU) read images row by row and learn to classify real digits.

The default test trains on scikit-learn's 8x8 digits (8 steps of 8 pixels)
for a few seconds; the slow one reads the 28x28 mnist5k rows.
"""
import time

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from nn.data import DataLoader, TensorDataset
from nn.datasets import digits, mnist5k_split, shuffle_split
from nn.rnn import GRU, LSTM


class RowReader(nn.Module):
    """Classify an image from the last hidden state after reading its rows."""

    def __init__(self, rnn_cls, n_in, hidden, n_classes=10, **kw):
        super().__init__()
        self.rnn = rnn_cls(n_in, hidden, batch_first=True, **kw)
        d = 2 if kw.get("bidirectional") else 1
        self.fc = nn.Linear(d * hidden, n_classes)

    def forward(self, x):  # x: (N, T, F)
        out, state = self.rnn(x)  # out: (N, T, D*H)
        return self.fc(out[:, -1])  # (N, n_classes)


def _accuracy(model, X, y):
    model.eval()
    with ag.no_grad():
        pred = model(ag.tensor(X)).argmax(1).numpy()
    model.train()
    return float((pred == y).mean())


def _train(model, Xtr, ytr, epochs, lr, gamma=1.0, batch_size=64):
    opt = optim.Adam(model.parameters(), lr=lr)
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma)
    loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=batch_size, shuffle=True, seed=0)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        losses.append(total / len(ytr))
        sched.step()
    return losses


@pytest.mark.parametrize("rnn_cls,min_acc", [(LSTM, 0.85), (GRU, 0.85)])
def test_rnn_learns_digits_from_rows(rnn_cls, min_acc):
    ag.manual_seed(0)
    X, y = digits()
    (Xtr, ytr), (Xte, yte) = shuffle_split(X.reshape(-1, 8, 8), y, 400, seed=0)  # (N, T=8, F=8)
    model = RowReader(rnn_cls, 8, 32)
    before = _accuracy(model, Xte, yte)
    losses = _train(model, Xtr, ytr, epochs=8, lr=1e-2)
    after = _accuracy(model, Xte, yte)
    assert before < 0.3  # ten classes: an untrained model guesses
    assert losses[-1] < 0.5 * losses[0]
    assert after >= min_acc, f"{rnn_cls.__name__} reached only {after:.3f} test accuracy"


def test_gradients_reach_every_weight_of_a_stacked_bidirectional_lstm():
    ag.manual_seed(0)
    rnn = LSTM(8, 6, num_layers=2, bidirectional=True, batch_first=True)
    X, _ = digits()
    out, (h, c) = rnn(ag.tensor(X[:16].reshape(-1, 8, 8)))  # out: (16, 8, 12)
    ((out ** 2).mean() + (c ** 2).mean()).backward()
    for name, p in rnn.named_parameters():
        assert p.grad is not None and np.abs(p.grad.numpy()).sum() > 0, name


@pytest.mark.slow
def test_lstm_on_mnist5k_rows():
    ag.manual_seed(0)
    (Xtr, ytr), (Xte, yte) = mnist5k_split(seed=0)
    Xtr, Xte = Xtr.reshape(-1, 28, 28), Xte.reshape(-1, 28, 28)  # 28 steps of 28 pixels
    model = RowReader(LSTM, 28, 64)
    t0, c0 = time.perf_counter(), time.process_time()
    _train(model, Xtr, ytr, epochs=10, lr=5e-3, gamma=0.85)
    acc = _accuracy(model, Xte, yte)
    print(f"LSTM(28, 64) on mnist5k rows, 10 epochs: test accuracy {acc:.4f}, "
          f"{time.perf_counter() - t0:.1f}s wall, {time.process_time() - c0:.1f}s CPU")
    assert acc >= 0.90
