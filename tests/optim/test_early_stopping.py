"""EarlyStopping: when it stops, which epoch it calls best, and the weights it restores."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from optim import EarlyStopping

# (options, metric sequence, index of the step that returns True or None, best epoch)
SCENARIOS = [
    ({"patience": 2}, [1.0, 0.8, 0.85, 0.79, 0.8, 0.9, 0.1], 5, 3),
    ({"patience": 0}, [1.0, 0.9, 0.95], 2, 1),
    ({"patience": 1}, [1.0, 1.0, 0.5], 1, 0),               # equal is not better
    ({"patience": 3}, [5.0, 4.0, 3.0, 2.0, 1.0], None, 4),
    ({"patience": 2, "mode": "max"}, [0.5, 0.7, 0.6, 0.71, 0.7, 0.69], 5, 3),
    # 0.79 is not better than 0.8 by more than min_delta=0.05, so it counts as bad
    ({"patience": 2, "min_delta": 0.05}, [1.0, 0.8, 0.79, 0.78, 0.7], 3, 1),
    ({"patience": 2, "mode": "max", "min_delta": 0.1}, [0.1, 0.15, 0.3, 0.35, 0.36], 4, 2),
]


@pytest.mark.parametrize("options,metrics,stop_at,best_epoch", SCENARIOS)
def test_stops_after_patience_bad_epochs(options, metrics, stop_at, best_epoch) -> None:
    stopper = EarlyStopping(**options)
    decisions = []
    for m in metrics:
        decisions.append(stopper.step(m))
        if decisions[-1]:
            break
    expected_len = len(metrics) if stop_at is None else stop_at + 1
    assert decisions == [False] * (expected_len - 1) + [stop_at is not None]
    assert stopper.best_epoch == best_epoch and stopper.best == metrics[best_epoch]
    assert stopper.should_stop == (stop_at is not None)


def test_restores_the_weights_of_the_best_epoch() -> None:
    ag.manual_seed(0)
    model = nn.Linear(3, 2)
    stopper = EarlyStopping(patience=2, model=model)
    losses = [0.9, 0.5, 0.6, 0.7]
    snapshots = []
    for epoch, loss in enumerate(losses):
        with ag.no_grad():
            model.weight.array[...] = epoch       # "training" changes the weights each epoch
            model.bias.array[...] = -epoch
        snapshots.append({k: v.array.copy() for k, v in model.state_dict().items()})
        if stopper.step(loss):
            break
    assert stopper.best_epoch == 1
    np.testing.assert_array_equal(model.weight.array, snapshots[1]["weight"])
    np.testing.assert_array_equal(model.bias.array, snapshots[1]["bias"])


def test_without_restore_the_weights_stay_until_restore_is_called() -> None:
    model = nn.Linear(2, 1)
    stopper = EarlyStopping(patience=1, model=model, restore_best_weights=False)
    for epoch, loss in enumerate([0.3, 0.4]):
        with ag.no_grad():
            model.weight.array[...] = epoch
        stopper.step(loss)
    assert stopper.should_stop and np.all(model.weight.array == 1)
    weight_array = model.weight.array
    stopper.restore()
    assert model.weight.array is weight_array and np.all(model.weight.array == 0)


def test_with_a_real_training_loop_on_a_noisy_fit() -> None:
    """A model that overfits 6 noisy points: validation loss turns up, training stops."""
    rng = np.random.default_rng(0)
    x = np.linspace(-1, 1, 12).reshape(-1, 1)
    feats = np.hstack([x ** k for k in range(1, 9)]).astype(np.float32)   # (12, 8)
    y = (np.sin(3 * x) + 0.3 * rng.standard_normal(x.shape)).astype(np.float32)
    train, val = np.arange(0, 12, 2), np.arange(1, 12, 2)
    ag.manual_seed(1)
    model = nn.Linear(8, 1)
    opt = optim.Adam(model.parameters(), lr=0.05)
    stopper = EarlyStopping(patience=20, model=model)
    mse = nn.MSELoss()
    history = []
    for _ in range(2000):
        opt.zero_grad()
        mse(model(ag.tensor(feats[train])), ag.tensor(y[train])).backward()
        opt.step()
        with ag.no_grad():
            val_loss = mse(model(ag.tensor(feats[val])), ag.tensor(y[val])).item()
        history.append(val_loss)
        if stopper.step(val_loss):
            break
    assert stopper.should_stop and stopper.epoch < 1999
    # it learned first (the best is far below the start), then the held-out loss rose
    assert stopper.best < 0.5 * history[0] and history[-1] > stopper.best
    assert stopper.epoch - stopper.best_epoch == 20
    with ag.no_grad():
        restored = mse(model(ag.tensor(feats[val])), ag.tensor(y[val])).item()
    assert restored == pytest.approx(stopper.best, rel=1e-6)


def test_state_dict_round_trip(tmp_path) -> None:
    stopper = EarlyStopping(patience=3, mode="max")
    for m in [0.1, 0.3, 0.2]:
        stopper.step(m)
    nn.save(stopper.state_dict(), tmp_path / "es.npz")
    copy = EarlyStopping(patience=3, mode="max")
    copy.load_state_dict(nn.load(tmp_path / "es.npz"))
    assert copy.state_dict() == stopper.state_dict()
    assert [copy.step(m) for m in [0.25, 0.2]] == [False, True]


@pytest.mark.parametrize("options,error,match", [
    ({"patience": -1}, ValueError, "invalid patience: -1"),
    ({"patience": 1.5}, ValueError, "invalid patience: 1.5"),
    ({"mode": "lowest"}, ValueError, "invalid mode: 'lowest'"),
    ({"min_delta": -0.1}, ValueError, "invalid min_delta: -0.1"),
    ({"model": object()}, TypeError, "state_dict"),
])
def test_bad_settings_are_rejected(options, error, match) -> None:
    with pytest.raises(error, match=match):
        EarlyStopping(**options)


def test_nan_metric_and_restore_without_a_model_raise() -> None:
    stopper = EarlyStopping()
    with pytest.raises(ValueError, match="NaN"):
        stopper.step(math.nan)
    with pytest.raises(RuntimeError, match="no best weights"):
        stopper.restore()
    assert stopper.step(ag.tensor(0.5)) is False and stopper.best == 0.5
