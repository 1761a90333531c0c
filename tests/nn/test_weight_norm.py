"""Weight normalization: nn.utils.weight_norm (weight_g / weight_v) and the parametrization
API (parametrizations.weight.original0 / original1), as PyTorch's."""
import numpy as np
import pytest

import autograd as ag
import nn

RNG = np.random.default_rng(0)


def _t(a, grad=False):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def test_hook_weight_norm_names_values_and_removal():
    m = nn.Linear(2, 2, dtype=np.float64)
    with ag.no_grad():
        m.weight.copy_(np.array([[3.0, 4.0], [0.0, 2.0]]))
    w0 = m.weight.numpy().copy()
    nn.utils.weight_norm(m)
    assert list(m.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert m.weight_g.tolist() == [[5.0], [2.0]]
    np.testing.assert_allclose(m.weight.numpy(), w0)
    with ag.no_grad():
        m.weight_g.copy_(np.array([[1.0], [1.0]]))
    x = _t([[1.0, 1.0]])
    np.testing.assert_allclose(m(x).numpy(), [[0.6 + 0.8, 1.0]] + m.bias.numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="two weight_norm"):
        nn.utils.weight_norm(m)
    nn.utils.remove_weight_norm(m)
    assert list(m.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(m.weight.numpy(), [[0.6, 0.8], [0.0, 1.0]])
    whole = nn.utils.weight_norm(nn.Linear(3, 2), dim=None)
    assert whole.weight_g.shape == ()


def test_parametrization_weight_norm_names_and_gradcheck():
    m = nn.Conv2d(3, 2, 3, dtype=np.float64)
    w0 = m.weight.numpy().copy()
    nn.utils.parametrizations.weight_norm(m, dim=1)
    assert type(m).__name__ == "ParametrizedConv2d"
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original0",
                                    "parametrizations.weight.original1"]
    assert m.parametrizations.weight.original0.shape == (1, 3, 1, 1)
    np.testing.assert_allclose(m.weight.numpy(), w0, rtol=1e-12)
    assert [n for n, _ in m.named_parameters()] == [
        "bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    g, v = m.parametrizations.weight.original0, m.parametrizations.weight.original1
    x = _t(RNG.standard_normal((1, 3, 4, 4)))
    assert ag.gradcheck(lambda g, v, b: m(x), (g, v, m.bias))
    m.weight = _t(np.ones(w0.shape))  # assignment goes through right_inverse
    np.testing.assert_allclose(m.weight.numpy(), 1.0, rtol=1e-12)
    nn.utils.parametrize.remove_parametrizations(m, "weight")
    assert type(m) is nn.Conv2d and list(m.state_dict()) == ["bias", "weight"]  # as PyTorch


def test_weight_norm_matches_torch_both_apis():
    torch = pytest.importorskip("torch")
    import warnings

    x = RNG.standard_normal((4, 5))
    ours = nn.utils.weight_norm(nn.Linear(5, 3, dtype=np.float64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = torch.nn.utils.weight_norm(torch.nn.Linear(5, 3).double())
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    np.testing.assert_allclose(ours(_t(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               atol=1e-12)
    ours = nn.utils.parametrizations.weight_norm(nn.Linear(5, 3, dtype=np.float64), dim=0)
    theirs = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(5, 3).double())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    xa, xt = _t(x, True), torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), theirs(xt)
    np.testing.assert_allclose(ya.numpy(), yt.detach().numpy(), atol=1e-12)
    (ya ** 2).sum().backward()
    (yt ** 2).sum().backward()
    g_t = theirs.parametrizations.weight.original0.grad.numpy()
    np.testing.assert_allclose(ours.parametrizations.weight.original0.grad.numpy(), g_t,
                               atol=1e-10)
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), atol=1e-10)
