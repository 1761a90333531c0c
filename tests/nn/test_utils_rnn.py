"""nn.utils.rnn (pad, pack, unpack) and recurrent layers on packed input, as PyTorch's."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
)

RNG = np.random.default_rng(0)


def _t(a, grad=False):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def test_pad_sequence_values_and_sides():
    seqs = [_t([1, 2, 3]), _t([4]), _t([5, 6])]
    assert pad_sequence(seqs).tolist() == [[1, 4, 5], [2, 0, 6], [3, 0, 0]]
    assert pad_sequence(seqs, batch_first=True, padding_value=-1).tolist() == \
        [[1, 2, 3], [4, -1, -1], [5, 6, -1]]
    assert pad_sequence(seqs, batch_first=True, padding_side="left").tolist() == \
        [[1, 2, 3], [0, 0, 4], [0, 5, 6]]
    assert pad_sequence([ag.ones(2, 3), ag.ones(1, 3)]).shape == (2, 2, 3)
    with pytest.raises(ValueError, match="pad_sequence"):
        pad_sequence([ag.ones(2, 3), ag.ones(2, 4)])


def test_pack_and_unpack_written_values():
    x = _t([[1, 2, 3], [4, 5, 0], [6, 0, 0]])  # (B=3, T=3), lengths 3, 2, 1
    p = pack_padded_sequence(x, [3, 2, 1], batch_first=True)
    assert p.data.tolist() == [1, 4, 6, 2, 5, 3]
    assert p.batch_sizes.tolist() == [3, 2, 1]
    assert p.sorted_indices is None and p.unsorted_indices is None
    padded, lengths = pad_packed_sequence(p, batch_first=True, total_length=4)
    assert padded.tolist() == [[1, 2, 3, 0], [4, 5, 0, 0], [6, 0, 0, 0]]
    assert lengths.tolist() == [3, 2, 1] and lengths.dtype == np.int64
    with pytest.raises(ValueError, match="total_length"):
        pad_packed_sequence(p, total_length=2)


def test_enforce_sorted_both_ways():
    x = _t([[1, 0, 0], [2, 3, 4]])  # lengths 1, 3: not sorted
    with pytest.raises(RuntimeError, match="enforce_sorted"):
        pack_padded_sequence(x, [1, 3], batch_first=True)
    p = pack_padded_sequence(x, ag.tensor([1, 3]), batch_first=True, enforce_sorted=False)
    assert p.sorted_indices.tolist() == [1, 0] and p.unsorted_indices.tolist() == [1, 0]
    assert p.data.tolist() == [2, 1, 3, 4]
    padded, lengths = pad_packed_sequence(p, batch_first=True)
    assert padded.tolist() == [[1, 0, 0], [2, 3, 4]] and lengths.tolist() == [1, 3]
    assert [s.tolist() for s in unpack_sequence(p)] == [[1], [2, 3, 4]]
    with pytest.raises(RuntimeError, match="greater than 0"):
        pack_padded_sequence(x, [0, 3], batch_first=True, enforce_sorted=False)


def test_pack_gradient_reaches_only_real_steps():
    x = _t(RNG.standard_normal((3, 2, 2)), True)  # (T, B, F)
    p = pack_padded_sequence(x, [3, 1])
    (p.data * p.data).sum().backward()
    expect = 2 * x.numpy()
    expect[1:, 1] = 0
    np.testing.assert_allclose(x.grad.numpy(), expect)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_run_equals_each_sequence_alone(cls, bidirectional):
    ag.manual_seed(0)
    rnn = getattr(nn, cls)(3, 4, num_layers=2, bidirectional=bidirectional, dtype=np.float64)
    seqs = [_t(RNG.standard_normal((n, 3))) for n in (2, 5, 3)]
    out, state = rnn(pack_sequence(seqs, enforce_sorted=False))
    assert isinstance(out, PackedSequence)
    padded, lengths = pad_packed_sequence(out)
    h = state[0] if cls == "LSTM" else state
    for b, s in enumerate(seqs):
        alone, alone_state = rnn(s.unsqueeze(1))  # (L, 1, in)
        n = s.shape[0]
        np.testing.assert_allclose(padded.numpy()[:n, b], alone.numpy()[:, 0], atol=1e-12)
        assert np.all(padded.numpy()[n:, b] == 0)
        ah = alone_state[0] if cls == "LSTM" else alone_state
        np.testing.assert_allclose(h.numpy()[:, b], ah.numpy()[:, 0], atol=1e-12)
    assert lengths.tolist() == [2, 5, 3]


def test_packed_lstm_gradcheck():
    ag.manual_seed(1)
    lstm = nn.LSTM(2, 3, dtype=np.float64)
    x = _t(RNG.standard_normal((4, 3, 2)), True)

    def f(x, *params):
        out, (h, c) = lstm(pack_padded_sequence(x, [4, 2, 1]))
        return pad_packed_sequence(out)[0].sum() + (h * c).sum()

    assert ag.gradcheck(f, (x, *lstm.parameters()))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_packed_rnn_matches_torch(cls, batch_first):
    torch = pytest.importorskip("torch")
    tr = torch.nn.utils.rnn
    ours = getattr(nn, cls)(3, 4, num_layers=2, bidirectional=True, batch_first=batch_first,
                            dtype=np.float64)
    theirs = getattr(torch.nn, cls)(3, 4, num_layers=2, bidirectional=True,
                                    batch_first=batch_first, dtype=torch.float64)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    lens = [2, 5, 3, 1]
    x = RNG.standard_normal((4, 5, 3) if batch_first else (5, 4, 3))
    h0 = RNG.standard_normal((4, 4, 4))
    hx_a = (_t(h0), _t(h0 * 0.5)) if cls == "LSTM" else _t(h0)
    hx_t = (torch.tensor(h0), torch.tensor(h0 * 0.5)) if cls == "LSTM" else torch.tensor(h0)
    xa, xt = _t(x, True), torch.tensor(x, requires_grad=True)
    oa, sa = ours(pack_padded_sequence(xa, lens, batch_first, enforce_sorted=False), hx_a)
    ot, st = theirs(tr.pack_padded_sequence(xt, lens, batch_first, enforce_sorted=False), hx_t)
    np.testing.assert_allclose(oa.data.numpy(), ot.data.detach().numpy(), atol=1e-12)
    np.testing.assert_array_equal(oa.batch_sizes.numpy(), ot.batch_sizes.numpy())
    np.testing.assert_array_equal(oa.sorted_indices.numpy(), ot.sorted_indices.numpy())
    ha, ht = (sa[0], st[0]) if cls == "LSTM" else (sa, st)
    np.testing.assert_allclose(ha.numpy(), ht.detach().numpy(), atol=1e-12)
    ua, _ = pad_packed_sequence(oa, batch_first)
    ut, _ = tr.pad_packed_sequence(ot, batch_first)
    np.testing.assert_allclose(ua.numpy(), ut.detach().numpy(), atol=1e-12)
    g = RNG.standard_normal(ut.shape)
    ((ua * _t(g)).sum() + ha.sum()).backward()
    ((ut * torch.tensor(g)).sum() + ht.sum()).backward()
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), atol=1e-10)
    named = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), named[name].grad.numpy(), atol=1e-10)


def test_pack_utilities_match_torch():
    torch = pytest.importorskip("torch")
    tr = torch.nn.utils.rnn
    seqs = [RNG.standard_normal((n, 2)) for n in (3, 5, 1, 3)]
    a = pack_sequence([_t(s) for s in seqs], enforce_sorted=False)
    b = tr.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    np.testing.assert_array_equal(a.data.numpy(), b.data.numpy())
    np.testing.assert_array_equal(a.batch_sizes.numpy(), b.batch_sizes.numpy())
    np.testing.assert_array_equal(a.unsorted_indices.numpy(), b.unsorted_indices.numpy())
    pa = pad_sequence([_t(s) for s in seqs], batch_first=True, padding_value=2.0)
    pb = tr.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True, padding_value=2.0)
    np.testing.assert_array_equal(pa.numpy(), pb.numpy())


def test_nn_utils_package_keeps_its_names():
    from nn.utils import (  # noqa: F401  (the porting table's import lines)
        clip_grad_norm_,
        clip_grad_value_,
        make_grid,
        parameters_to_vector,
        save_image,
        vector_to_parameters,
    )

    assert nn.utils.rnn.pad_sequence is pad_sequence
    assert callable(nn.utils.parametrizations.weight_norm) and callable(nn.utils.weight_norm)
    assert make_grid(np.ones((2, 1, 2, 2)), padding=0).shape == (3, 2, 4)
