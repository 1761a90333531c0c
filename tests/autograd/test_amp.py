"""Mixed precision switched off on the CPU (``torch.amp``, ``torch.cuda.amp``) and
``torch.compile`` as a pass-through: GPU-minded training scripts run unchanged."""
import warnings

import numpy as np
import pytest

import autograd as torch  # as a ported script writes it
import nn
import optim


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def test_disabled_scaler_passes_everything_through():
    w = nn.Parameter(torch.ones(2))
    opt = optim.SGD([w], lr=0.5)
    for scaler in (torch.amp.GradScaler(enabled=False), torch.amp.GradScaler("cpu", enabled=False),
                   _quiet(lambda: torch.cuda.amp.GradScaler(enabled=False))):
        loss = (w * 3).sum()
        assert scaler.scale(loss) is loss
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        opt.zero_grad()
        assert not scaler.is_enabled() and scaler.get_scale() == 1.0
        assert scaler.state_dict() == {}
        scaler.load_state_dict({})
    np.testing.assert_allclose(w.numpy(), [1 - 3 * 1.5] * 2)  # three plain SGD steps


def test_cuda_scaler_warns_and_disables_as_pytorchs_cpu_build():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        assert not torch.amp.GradScaler().is_enabled()
    with pytest.warns(FutureWarning, match="deprecated"):
        scaler = _quiet_user(lambda: torch.cuda.amp.GradScaler())
    assert not scaler.is_enabled()
    with pytest.warns(UserWarning, match="CUDA is not available"):
        ctx = torch.autocast("cuda")
    with ctx:
        y = torch.ones(2, 2) @ torch.ones(2, 2)
    assert y.dtype == torch.float32


def _quiet_user(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn()


def test_autocast_disabled_is_a_no_op_context_and_decorator():
    with torch.amp.autocast("cpu", enabled=False) as ctx:
        y = torch.ones(2, 3) @ torch.ones(3, 2)
    assert isinstance(ctx, torch.amp.autocast) and y.dtype == torch.float32

    @torch.amp.autocast("cpu", enabled=False)
    def double(x):
        """Doubles."""
        return x * 2

    assert double.__doc__ == "Doubles." and double(torch.ones(1)).item() == 2.0
    with _quiet(lambda: torch.cuda.amp.autocast(enabled=False)):
        pass
    with torch.autocast("mps"):  # no tensors live there: nothing to do
        pass


def test_enabled_cpu_autocast_is_refused_clearly():
    for kw in ({}, {"dtype": torch.float16}, {"dtype": "bfloat16"}):
        with pytest.raises(NotImplementedError, match=r"autocast\('cpu'.*enabled=False"):
            torch.amp.autocast("cpu", **kw)
    with pytest.warns(UserWarning, match="not supported. Disabling"):
        torch.amp.autocast("cpu", dtype=torch.float32)
    with pytest.raises(ValueError, match="str"):
        torch.amp.autocast(torch.device("cpu"))
    with pytest.raises(RuntimeError, match="'tpu'"):
        torch.amp.autocast("tpu")
    with pytest.raises(TypeError, match="callable"):
        torch.amp.autocast("cpu", enabled=False)(3)


def _train(T, nn_mod, optim_mod, scaler, losses):
    """A few SGD steps on one parameter; a loss of inf makes its gradient inf."""
    w = nn_mod.Parameter(T.tensor([1.0, -2.0]))
    opt = optim_mod.SGD([w], lr=0.1)
    scales = []
    for c in losses:
        opt.zero_grad()
        loss = (w * w * c).sum()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    return w.detach().numpy(), scales, scaler.state_dict()


LOSSES = [1.0, float("inf"), 2.0, 1.0, 0.5]


def test_cpu_scaler_skips_a_step_on_inf_and_adapts_its_scale():
    scaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    w, scales, state = _train(torch, nn, optim, scaler, LOSSES)
    assert scaler.is_enabled()
    # inf: step skipped, scale halved; two good steps later it doubles
    assert scales == [8.0, 4.0, 4.0, 8.0, 8.0]
    want = np.array([1.0, -2.0])
    for c in (1.0, 2.0, 1.0, 0.5):  # the inf step changed nothing
        want = want - 0.1 * 2 * c * want
    np.testing.assert_allclose(w, want, rtol=1e-6)
    assert state == {"scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                     "growth_interval": 2, "_growth_tracker": 1}
    other = torch.amp.GradScaler("cpu")
    other.load_state_dict(state)
    assert other.state_dict() == state


def test_cpu_scaler_matches_pytorch():
    real = pytest.importorskip("torch")
    ours = _train(torch, nn, optim, torch.amp.GradScaler("cpu", init_scale=8.0,
                                                         growth_interval=2), LOSSES)
    theirs = _train(real, real.nn, real.optim, real.amp.GradScaler("cpu", init_scale=8.0,
                                                                 growth_interval=2), LOSSES)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert ours[1:] == theirs[1:]


def test_cpu_scaler_unscale_then_clip_and_misuse():
    w = nn.Parameter(torch.tensor([3.0, 4.0]))
    opt = optim.SGD([w], lr=1.0)
    scaler = torch.amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="scaler.scale"):
        scaler.unscale_(opt)
    scaler.scale((w * w).sum()).backward()
    assert w.grad.numpy().tolist() == [6.0 * 65536, 8.0 * 65536]
    scaler.unscale_(opt)
    np.testing.assert_allclose(w.grad.numpy(), [6.0, 8.0])
    with pytest.raises(RuntimeError, match="already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="already been called since the last update"):
        scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(w.numpy(), [-3.0, -4.0])
    with pytest.raises(AssertionError, match="growth factor"):
        torch.amp.GradScaler("cpu", growth_factor=1.0)
    with pytest.raises(ValueError, match="Tensor"):
        scaler.scale("loss")
    assert [t.item() for t in scaler.scale([torch.tensor(1.0), (torch.tensor(2.0),)])[:1]] \
        == [65536.0]


def test_compile_returns_the_model():
    model = nn.Linear(2, 1)
    assert torch.compile(model) is model
    assert torch.compile(model, mode="max-autotune", fullgraph=True) is model

    @torch.compile(dynamic=True)
    def f(x):
        return x + 1

    assert f(torch.ones(1)).item() == 2.0
    with pytest.raises(RuntimeError, match="both"):
        torch.compile(model, mode="default", options={})
