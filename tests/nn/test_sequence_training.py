"""Training through the new sequence layers as a PyTorch script would: a packed-LSTM classifier
and a Transformer encoder learn a toy task, and follow PyTorch's loss curve step for step."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim

RNG = np.random.default_rng(0)
LENGTHS = [7, 3, 5, 2, 6, 4, 7, 1]


def _batch():
    x = RNG.standard_normal((len(LENGTHS), 7, 2))
    for i, n in enumerate(LENGTHS):
        x[i, n:] = 0.0
    y = (x[:, :, 0].sum(1) > 0).astype(np.int64)  # the sign of the first feature's sum
    return x, y


class PackedClassifier(nn.Module):
    def __init__(self, lib):
        super().__init__()
        self.lib = lib
        self.lstm = lib.LSTM(2, 8, batch_first=True)
        self.head = lib.Linear(8, 2)

    def forward(self, x, lengths):
        packed = self.lib.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                         enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return self.head(h[-1])  # (N, 2)


class EncoderClassifier(nn.Module):
    def __init__(self, lib):
        super().__init__()
        self.proj = lib.Linear(2, 8)
        layer = lib.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
        self.encoder = lib.TransformerEncoder(layer, 2)
        self.head = lib.Linear(8, 2)

    def forward(self, x, pad_mask):
        h = self.encoder(self.proj(x), src_key_padding_mask=pad_mask)  # (N, T, 8)
        return self.head(h.mean(1))


def _pad_mask():
    return np.arange(7)[None, :] >= np.array(LENGTHS)[:, None]  # True = padding


def _train(model, x, y, steps, extra, lib_optim, loss_fn, wrap):
    opt = lib_optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(wrap(x), *extra), wrap(y))
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    return losses


@pytest.mark.parametrize("arch", ["packed_lstm", "encoder"])
def test_sequence_models_learn(arch):
    ag.manual_seed(0)
    x, y = _batch()
    if arch == "packed_lstm":
        model, extra = PackedClassifier(nn), (LENGTHS,)
    else:
        model, extra = EncoderClassifier(nn), (_pad_mask(),)
    losses = _train(model, x.astype(np.float32), y, 40, extra, optim,
                    nn.functional.cross_entropy, ag.tensor)
    assert losses[-1] < 0.5 * losses[0], losses[::8]


@pytest.mark.parametrize("arch", ["packed_lstm", "encoder"])
def test_sequence_models_follow_torch_step_for_step(arch):
    torch = pytest.importorskip("torch")
    ag.manual_seed(1)
    x, y = _batch()
    if arch == "packed_lstm":
        ours, theirs, extra = PackedClassifier(nn), None, (LENGTHS,)

        class TorchPacked(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = torch.nn.LSTM(2, 8, batch_first=True)
                self.head = torch.nn.Linear(8, 2)

            def forward(self, x, lengths):
                packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                                 enforce_sorted=False)
                _, (h, _) = self.lstm(packed)
                return self.head(h[-1])

        theirs = TorchPacked().double()
        textra = extra
    else:
        ours, extra = EncoderClassifier(nn), (_pad_mask(),)

        class TorchEncoder(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = torch.nn.Linear(2, 8)
                layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
                self.encoder = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
                self.head = torch.nn.Linear(8, 2)

            def forward(self, x, pad_mask):
                return self.head(self.encoder(self.proj(x), src_key_padding_mask=pad_mask)
                                 .mean(1))

        theirs = TorchEncoder().double()
        textra = (torch.tensor(_pad_mask()),)
    ours.double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    a = _train(ours, x, y, 10, extra, optim, nn.functional.cross_entropy, ag.tensor)
    b = _train(theirs, x, y, 10, textra, torch.optim, torch.nn.functional.cross_entropy,
               torch.tensor)
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
