"""optim.swa_utils: AveragedModel (SWA, EMA), SWALR and update_bn, against PyTorch."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
from optim import SGD
from optim.swa_utils import (
    SWALR,
    AveragedModel,
    get_ema_avg_fn,
    get_ema_multi_avg_fn,
    get_swa_avg_fn,
    update_bn,
)


def _net(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.ReLU(),
                             lib.nn.Linear(4, 2))


class _Lib:  # the scratchgrad side under PyTorch's module paths
    nn = nn


def _fill(model, seed):
    """Give every parameter and buffer of ``model`` fresh values drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    state = {k: (rng.integers(0, 9, v.shape) if v.dtype.kind == "i"
                 else rng.normal(size=v.shape).astype(np.float32))
             for k, v in model.state_dict().items()}
    for k in state:
        if k.endswith("running_var"):
            state[k] = np.abs(state[k]) + 0.5
    model.load_state_dict(state)
    return state


def test_swa_is_the_running_mean_and_buffers_follow_the_model():
    model = _net(_Lib)
    swa, snaps = None, []
    for s in range(3):
        snaps.append(_fill(model, 100 + s))
        swa = swa or AveragedModel(model)
        swa.update_parameters(model)
    assert swa.n_averaged.item() == 3 and swa.n_averaged.dtype == np.int64
    avg = swa.module.state_dict()
    for key in ("0.weight", "1.bias", "3.weight"):
        np.testing.assert_allclose(avg[key].numpy(), np.mean([s[key] for s in snaps], axis=0),
                                   rtol=1e-6, err_msg=key)
    # buffers are copied from the model, not averaged
    np.testing.assert_array_equal(avg["1.running_mean"].numpy(), snaps[-1]["1.running_mean"])
    assert avg["1.num_batches_tracked"].item() == snaps[-1]["1.num_batches_tracked"]
    assert list(swa.state_dict())[:2] == ["n_averaged", "module.0.weight"]
    assert set(avg) == set(model.state_dict())


def test_ema_and_argument_checks():
    lin = nn.Linear(1, 1, bias=False)
    ema = AveragedModel(lin, multi_avg_fn=get_ema_multi_avg_fn(0.5))
    for w in (2.0, 4.0, 8.0):
        lin.weight.data.fill_(w)
        ema.update_parameters(lin)
    assert ema.module.weight.item() == pytest.approx(0.25 * 2 + 0.25 * 4 + 0.5 * 8)
    out = ema(ag.ones(1, 1))
    assert out.item() == pytest.approx(5.5)
    with pytest.raises(AssertionError):
        AveragedModel(lin, avg_fn=get_swa_avg_fn(), multi_avg_fn=get_ema_multi_avg_fn())
    with pytest.raises(ValueError, match="decay"):
        get_ema_avg_fn(1.5)
    opt = SGD(lin.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        SWALR(opt, 0.1, anneal_strategy="exp")
    with pytest.raises(ValueError, match="anneal_epochs"):
        SWALR(opt, 0.1, anneal_epochs=-1)
    with pytest.raises(ValueError, match="same length"):
        SWALR(opt, [0.1, 0.2])


def test_swalr_cosine_values_written_out():
    opt = SGD([ag.zeros(1, requires_grad=True)], lr=1.0)
    sched = SWALR(opt, swa_lr=0.1, anneal_epochs=2)
    lrs = []
    for _ in range(4):
        lrs.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    alpha = (1 - math.cos(math.pi / 2)) / 2
    assert lrs == pytest.approx([1.0, 0.1 * alpha + 1.0 * (1 - alpha), 0.1, 0.1])
    state = sched.state_dict()
    again = SWALR(SGD([ag.zeros(1, requires_grad=True)], lr=1.0), swa_lr=0.1, anneal_epochs=2)
    again.load_state_dict(state)
    assert again.last_epoch == sched.last_epoch and again._anneal_strategy == "cos"


@pytest.mark.parametrize("kind", ["swa", "ema_multi", "ema_avg", "swa_buffers", "ema_buffers"])
def test_averaged_model_matches_torch(kind):
    torch = pytest.importorskip("torch")
    from torch.optim import swa_utils as tswa
    kw = {"swa": ({}, {}),
          "ema_multi": ({"multi_avg_fn": get_ema_multi_avg_fn(0.9)},
                        {"multi_avg_fn": tswa.get_ema_multi_avg_fn(0.9)}),
          "ema_avg": ({"avg_fn": get_ema_avg_fn(0.7)}, {"avg_fn": tswa.get_ema_avg_fn(0.7)}),
          "swa_buffers": ({"use_buffers": True}, {"use_buffers": True}),
          "ema_buffers": ({"use_buffers": True, "multi_avg_fn": get_ema_multi_avg_fn(0.6)},
                          {"use_buffers": True,
                           "multi_avg_fn": tswa.get_ema_multi_avg_fn(0.6)})}[kind]
    ours_m, theirs_m = _net(_Lib), _net(torch)
    ours, theirs = None, None
    for s in range(4):
        state = _fill(ours_m, s)
        theirs_m.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        ours = ours or AveragedModel(ours_m, **kw[0])
        theirs = theirs or tswa.AveragedModel(theirs_m, **kw[1])
        ours.update_parameters(ours_m)
        theirs.update_parameters(theirs_m)
    ts = theirs.state_dict()
    assert list(ours.state_dict()) == list(ts)
    for key, val in ours.state_dict().items():
        np.testing.assert_allclose(val.numpy(), ts[key].numpy(), rtol=1e-6, atol=1e-7,
                                   err_msg=key)
    x = np.random.default_rng(5).normal(size=(5, 3)).astype(np.float32)
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(ours(ag.tensor(x)).numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("epochs,strategy", [(10, "cos"), (3, "linear"), (1, "cos"),
                                             (0, "linear")])
def test_swalr_matches_torch(epochs, strategy):
    torch = pytest.importorskip("torch")
    from torch.optim import swa_utils as tswa
    from torch.optim.lr_scheduler import StepLR as TStepLR

    from optim.lr_scheduler import StepLR
    ours_opt = SGD([{"params": [ag.zeros(1, requires_grad=True)], "lr": 0.5},
                    {"params": [ag.zeros(1, requires_grad=True)], "lr": 0.2}])
    theirs_opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.5},
                                  {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.2}])
    first, then = StepLR(ours_opt, 2, 0.5), TStepLR(theirs_opt, 2, 0.5)
    ours, theirs = None, None
    got, want = [], []
    for epoch in range(16):
        got.append([g["lr"] for g in ours_opt.param_groups])
        want.append([g["lr"] for g in theirs_opt.param_groups])
        ours_opt.step()
        theirs_opt.step()
        if epoch < 3:
            first.step()
            then.step()
            continue
        ours = ours or SWALR(ours_opt, [0.05, 0.01], epochs, strategy)
        theirs = theirs or tswa.SWALR(theirs_opt, [0.05, 0.01], epochs, strategy)
        ours.step()
        theirs.step()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)


def test_update_bn_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.optim import swa_utils as tswa
    ours_m, theirs_m = _net(_Lib), _net(torch)
    state = _fill(ours_m, 3)
    theirs_m.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    ours_m.eval()
    theirs_m.eval()
    rng = np.random.default_rng(0)
    data = [rng.normal(2.0, 3.0, size=(n, 3)).astype(np.float32) for n in (4, 7, 5)]
    update_bn([(ag.tensor(x), 0) for x in data], ours_m)
    tswa.update_bn([(torch.tensor(x), 0) for x in data], theirs_m)
    assert not ours_m.training and ours_m[1].momentum == 0.1
    for key, val in theirs_m.state_dict().items():
        np.testing.assert_allclose(ours_m.state_dict()[key].numpy(), val.numpy(), rtol=1e-5,
                                   atol=1e-6, err_msg=key)
    plain = nn.Linear(2, 2)
    update_bn([ag.ones(1, 2)], plain)  # no BatchNorm: nothing to do, nothing raised
