"""The numpy floors compute the same values and gradients as scratchgrad (and PyTorch), in float64.

The floors are what the benchmarks compare scratchgrad against, so a floor
that skipped work would flatter nobody but itself; these tests pin every
workload's floor to the engines on small inputs: the forward value (loss or
output) and every gradient. PyTorch cases skip when torch is absent.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root holds benchmarks/

from benchmarks import floors, floors_rnn, workloads  # noqa: E402

F64 = np.float64
TOL: dict[str, Any] = dict(rtol=1e-7, atol=1e-9)


class Engine:
    """scratchgrad or PyTorch behind the few calls these tests make."""

    def __init__(self, name: str, needs: tuple = ()) -> None:
        self.name = name
        if name == "torch":
            torch = pytest.importorskip("torch")
            self.lib, self.nn, self.F = torch, torch.nn, torch.nn.functional
            self.put = workloads.put_torch(torch)
        else:
            s = workloads.scratchgrad(*needs)  # every piece the workloads need has landed
            self.lib, self.nn, self.F = s.ag, s.nn, s.F
            self.put = workloads.put_scratchgrad

    def tensor(self, arr: np.ndarray, requires_grad: bool = False) -> Any:
        if self.name == "torch":
            return self.lib.tensor(arr, requires_grad=requires_grad)
        return self.lib.tensor(arr, requires_grad=requires_grad)

    def model_grads(self, model: Any, params: floors.Params, x: np.ndarray, y: np.ndarray
                    ) -> tuple[float, dict]:
        workloads.load_params(model, params, self.put)
        loss = self.F.cross_entropy(model(self.tensor(x)), self.tensor(y))
        loss.backward()
        return loss.item(), {n: np.asarray(p.grad.numpy()) for n, p in model.named_parameters()}


ENGINES = ["scratchgrad", "torch"]


def check_model(engine: str, needs: tuple, make: Callable, grads_fn: Callable,
                params: floors.Params, x: np.ndarray, y: np.ndarray) -> None:
    e = Engine(engine, needs)
    loss, got = e.model_grads(make(e.nn), params, x, y)
    floor_loss, want = grads_fn({k: v.copy() for k, v in params.items()}, x, y)
    assert floor_loss == pytest.approx(loss, rel=1e-10)
    assert sorted(got) == sorted(want)
    for name in want:
        assert want[name].dtype == F64, name
        np.testing.assert_allclose(want[name], got[name], err_msg=name, **TOL)


@pytest.mark.parametrize("engine", ENGINES)
def test_mlp(engine: str) -> None:
    rng = np.random.default_rng(1)
    sizes = (12, 8, 6, 4)
    params = floors.init_mlp(rng, sizes, F64)
    x, y = rng.standard_normal((5, 12)), rng.integers(0, 4, 5)
    check_model(engine, workloads.MLP_NEEDS, lambda nn: workloads.mlp_model(nn, sizes),
                floors.mlp_grads, params, x, y)


@pytest.mark.parametrize("engine", ENGINES)
def test_lenet(engine: str) -> None:
    rng = np.random.default_rng(2)
    params = floors.init_lenet(rng, F64)
    x, y = rng.standard_normal((2, 1, 28, 28)), rng.integers(0, 10, 2)
    check_model(engine, workloads.LENET_NEEDS, workloads.lenet_model, floors.lenet_grads,
                params, x, y)


@pytest.mark.parametrize("engine", ENGINES)
def test_lenet_with_a_workspace_reused_over_steps(engine: str) -> None:
    rng = np.random.default_rng(9)
    params = floors.init_lenet(rng, F64)
    ws = floors.Workspace()
    for seed in (10, 11):  # the second step reuses (and must overwrite) the first's buffers
        data = np.random.default_rng(seed)
        x, y = data.standard_normal((3, 1, 28, 28)), data.integers(0, 10, 3)
        check_model(engine, workloads.LENET_NEEDS, workloads.lenet_model,
                    lambda p, x, y: floors.lenet_grads(p, x, y, ws), params, x, y)


@pytest.mark.parametrize("engine", ENGINES)
def test_tiny_mlp(engine: str) -> None:
    rng = np.random.default_rng(7)
    params = floors.init_mlp(rng, floors.TINY_SIZES, F64)
    x, y = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    e = Engine(engine, workloads.TINY_NEEDS)
    model = workloads.mlp_model(e.nn, floors.TINY_SIZES)
    workloads.load_params(model, params, e.put)
    loss = e.F.mse_loss(model(e.tensor(x)), e.tensor(y))
    loss.backward()
    floor_loss, want = floors.tiny_grads({k: v.copy() for k, v in params.items()}, x, y)
    assert floor_loss == pytest.approx(loss.item(), rel=1e-10)
    for name, p in model.named_parameters():
        np.testing.assert_allclose(want[name], p.grad.numpy(), err_msg=name, **TOL)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_recurrent(engine: str, kind: str) -> None:
    rng = np.random.default_rng(3)
    params = floors_rnn.init_rnn(rng, 5, 6, 4, F64, gates=4 if kind == "LSTM" else 3)
    x, y = rng.standard_normal((4, 3, 5)), rng.integers(0, 4, 3)
    needs, grads = ((workloads.LSTM_NEEDS, floors_rnn.lstm_grads) if kind == "LSTM"
                    else (workloads.GRU_NEEDS, floors_rnn.gru_grads))
    ws = floors.Workspace()
    for x_step in (x, x[::-1] * 2.0):  # the second step reuses (and overwrites) the buffers
        check_model(engine, needs, lambda nn: workloads.rnn_model(nn, kind, 5, 6, 4),
                    lambda p, x, y: grads(p, x, y, ws), params, np.ascontiguousarray(x_step), y)


def test_floor_steps_update_the_parameters_by_sgd() -> None:
    rng = np.random.default_rng(8)
    params = floors_rnn.init_rnn(rng, 5, 6, 4, F64, gates=3)
    x, y = rng.standard_normal((4, 3, 5)), rng.integers(0, 4, 3)
    _, grads = floors_rnn.gru_grads({k: v.copy() for k, v in params.items()}, x, y)
    before = {k: v.copy() for k, v in params.items()}
    floors_rnn.gru_step(params, x, y, lr=0.5)
    for name in params:
        np.testing.assert_allclose(params[name], before[name] - 0.5 * grads[name], **TOL)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("pad", [0, 1, 2])
@pytest.mark.parametrize("channels", [(3, 4), (16, 17)], ids=["im2col", "winograd"])
def test_conv2d(engine: str, pad: int, channels: tuple) -> None:
    e = Engine(engine)
    conv = e.F.conv2d if engine == "torch" else workloads._sg_conv2d()
    rng = np.random.default_rng(4)
    c, oc = channels
    x, w = rng.standard_normal((2, c, 6, 7)), rng.standard_normal((oc, c, 3, 3))
    xt, wt = e.tensor(x, True), e.tensor(w, True)
    out = conv(xt, wt, padding=pad)
    g = rng.standard_normal(tuple(out.shape))
    out.backward(e.tensor(g))
    value, dx, dw = floors.conv_fwd_bwd(x, w, g, pad)
    np.testing.assert_allclose(value, out.detach().numpy(), **TOL)
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)
    np.testing.assert_allclose(dw, wt.grad.numpy(), **TOL)


def test_maxpool_matches_reshape_max() -> None:
    x = np.random.default_rng(5).standard_normal((2, 3, 6, 8))
    want = x.reshape(2, 3, 3, 2, 4, 2).max(axis=(3, 5))
    np.testing.assert_array_equal(floors.maxpool2_forward(x), want)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("n_ops", [1, 2, 3, 10])
def test_scalar_chain(engine: str, n_ops: int) -> None:
    e = Engine(engine, ("op:tanh",))
    vals = [np.array(v) for v in (0.3, 0.9, 0.1)]
    leaves = [e.tensor(v, True) for v in vals]
    out = workloads.scalar_graph(leaves[0], leaves[1], leaves[2], n_ops)
    out.backward()
    value, *want = floors.scalar_chain(vals[0], vals[1], vals[2], n_ops)
    assert float(value) == pytest.approx(out.item(), rel=1e-12)
    for t, w in zip(leaves, want):
        got = 0.0 if t.grad is None else t.grad.item()
        assert float(w) == pytest.approx(got, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_const_chain(engine: str) -> None:
    e = Engine(engine, ("op:tanh",))
    x = np.random.default_rng(6).standard_normal((3, 3))
    xt = e.tensor(x, True)
    y = workloads.const_graph(xt, 11)
    y.backward(e.tensor(np.ones((3, 3))))
    value, grad = floors.const_chain(x, 11)
    np.testing.assert_allclose(value, y.detach().numpy(), **TOL)
    np.testing.assert_allclose(grad, xt.grad.numpy(), **TOL)
