"""scaled_dot_product_attention, MultiheadAttention and the Transformer layers: written values,
gradcheck, and PyTorch parity with weights loaded both ways through state_dict."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)


def _t(a, grad=False):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _to_torch(ours, theirs):
    torch = pytest.importorskip("torch")
    sd = {k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()}
    assert list(sd) == list(theirs.state_dict())
    theirs.load_state_dict(sd)
    return torch


def _from_torch(theirs, ours):
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


# ---------------------------------------------------------------- always run
def test_sdpa_written_values():
    q = _t([[1.0, 0.0], [0.0, 1.0]])
    v = _t([[1.0, 2.0], [3.0, 4.0]])
    out = F.scaled_dot_product_attention(q, q, v, scale=0.0)  # uniform weights
    assert out.tolist() == [[2.0, 3.0], [2.0, 3.0]]
    causal = F.scaled_dot_product_attention(q, q, v, is_causal=True, scale=0.0)
    assert causal.tolist() == [[1.0, 2.0], [2.0, 3.0]]
    mask = np.array([[False, True], [False, False]])  # row 1 may attend nothing
    blocked = F.scaled_dot_product_attention(q, q, v, attn_mask=mask, scale=0.0)
    assert blocked.tolist() == [[3.0, 4.0], [0.0, 0.0]]  # a fully blocked row gives zeros
    w = np.exp(1 / np.sqrt(2)) / (np.exp(1 / np.sqrt(2)) + 1)
    np.testing.assert_allclose(F.scaled_dot_product_attention(q, q, v).numpy()[0],
                               [w * 1 + (1 - w) * 3, w * 2 + (1 - w) * 4])
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(q, q, v, attn_mask=mask, is_causal=True)
    with pytest.raises(ValueError, match="do not fit"):
        F.scaled_dot_product_attention(q, _t(np.ones((2, 3))), v)


def test_sdpa_errors_are_runtime_errors_as_in_pytorch():
    q = _t(np.ones((1, 2, 3, 4)))
    for kw in (dict(attn_mask=np.ones((3, 3), bool), is_causal=True), dict(dropout_p=1.5)):
        with pytest.raises(RuntimeError, match="scaled_dot_product_attention"):
            F.scaled_dot_product_attention(q, q, q, **kw)
    with pytest.raises(RuntimeError, match=r"\(1, 2, 3, 5\)"):
        F.scaled_dot_product_attention(q, _t(np.ones((1, 2, 3, 5))), q)
    with pytest.raises(RuntimeError, match="multiple of the key/value heads"):
        F.scaled_dot_product_attention(q, _t(np.ones((1, 3, 3, 4))), _t(np.ones((1, 3, 3, 4))),
                                       enable_gqa=True)


def test_sdpa_error_classes_match_pytorch():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    q = np.ones((1, 2, 3, 4), np.float32)
    v = np.ones((1, 2, 3, 2), np.float32)  # Ev != E: the path where PyTorch checks the mask
    for kw in (dict(is_causal=True, attn_mask=np.ones((3, 3), bool)), dict(dropout_p=1.5)):
        theirs = {k: torch.tensor(a) if isinstance(a, np.ndarray) else a for k, a in kw.items()}
        with pytest.raises(RuntimeError):
            tF.scaled_dot_product_attention(*map(torch.tensor, (q, q, v)), **theirs)
        with pytest.raises(RuntimeError):
            F.scaled_dot_product_attention(_t(q), _t(q), _t(v), **kw)


def test_sdpa_gradcheck_with_float_mask():
    q, k, v = (_t(RNG.standard_normal(s), True) for s in [(2, 3, 4), (2, 5, 4), (2, 5, 2)])
    mask = RNG.standard_normal((3, 5))
    assert ag.gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, mask), (q, k, v))


def test_sdpa_dropout_is_seeded():
    q = ag.randn(2, 4, 8)
    ag.manual_seed(5)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5).numpy()
    ag.manual_seed(5)
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, F.scaled_dot_product_attention(q, q, q).numpy())


def test_mha_names_shapes_masks_and_errors():
    mha = nn.MultiheadAttention(8, 2, kdim=3, vdim=5)
    assert list(mha.state_dict()) == ["q_proj_weight", "k_proj_weight", "v_proj_weight",
                                      "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    q, k, v = ag.randn(4, 2, 8), ag.randn(6, 2, 3), ag.randn(6, 2, 5)
    out, w = mha(q, k, v, average_attn_weights=False)
    assert out.shape == (4, 2, 8) and w.shape == (2, 2, 4, 6)
    np.testing.assert_allclose(w.numpy().sum(-1), 1.0, rtol=1e-5)
    kpm = np.zeros((2, 6), bool)
    kpm[:, 3:] = True
    _, w = mha(q, k, v, key_padding_mask=kpm)
    assert np.all(w.numpy()[..., 3:] == 0)
    assert mha(q, k, v, need_weights=False)[1] is None
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(ValueError, match="feature sizes"):
        mha(q, q, q)
    with pytest.raises(RuntimeError, match="is_causal"):
        mha(q, k, v, is_causal=True)


def test_mha_gradcheck():
    ag.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, dtype=np.float64)
    x = _t(RNG.standard_normal((3, 2, 4)), True)
    mask = np.triu(np.ones((3, 3), bool), 1)
    params = list(mha.parameters())

    def f(x, *ps):
        return mha(x, x, x, attn_mask=mask)[0]

    assert ag.gradcheck(f, (x, *params))


def test_transformer_names_match_torch_layout():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
        "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    model = nn.Transformer(8, 2, 2, 1, 16)
    keys = list(model.state_dict())
    assert keys[0] == "encoder.layers.0.self_attn.in_proj_weight"
    assert "decoder.layers.0.multihead_attn.out_proj.weight" in keys
    assert keys[-2:] == ["decoder.norm.weight", "decoder.norm.bias"]
    # encoder layer 288 + 144 + 136 + 32, decoder layer 2 * 288 + 280 + 48, two final norms
    assert sum(p.numel() for p in model.parameters()) == 2 * 600 + 904 + 2 * 16
    m = nn.Transformer.generate_square_subsequent_mask(3)
    assert m.tolist() == [[0.0, -np.inf, -np.inf], [0.0, 0.0, -np.inf], [0.0, 0.0, 0.0]]
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


def test_encoder_layer_dropout_train_vs_eval():
    ag.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    x = ag.randn(5, 2, 8)
    layer.eval()
    a, b = layer(x).numpy(), layer(x).numpy()
    np.testing.assert_array_equal(a, b)
    layer.train()
    assert not np.allclose(layer(x).numpy(), a)


# ---------------------------------------------------------------- PyTorch parity
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("kw", [{}, dict(kdim=3, vdim=5), dict(add_bias_kv=True),
                                dict(add_zero_attn=True), dict(bias=False)])
def test_mha_matches_torch(batch_first, kw):
    torch = pytest.importorskip("torch")
    ours = nn.MultiheadAttention(8, 2, batch_first=batch_first, dtype=np.float64, **kw)
    theirs = torch.nn.MultiheadAttention(8, 2, batch_first=batch_first, dtype=torch.float64,
                                         **kw)
    _to_torch(ours, theirs)
    shape = (lambda n, e: (2, n, e)) if batch_first else (lambda n, e: (n, 2, e))
    q, k, v = (RNG.standard_normal(shape(4, 8)), RNG.standard_normal(shape(6, kw.get("kdim", 8))),
               RNG.standard_normal(shape(6, kw.get("vdim", 8))))
    kpm = np.zeros((2, 6), bool)
    kpm[0, 4:] = True
    for extra in [{}, dict(key_padding_mask=kpm), dict(attn_mask=np.triu(np.ones((4, 6), bool), 1)),
                  dict(attn_mask=RNG.standard_normal((4, 4, 6)), average_attn_weights=False)]:
        ins = [_t(a, True) for a in (q, k, v)]
        tins = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
        ya, wa = ours(*ins, **extra)
        yt, wt = theirs(*tins, **{n: torch.tensor(a) if isinstance(a, np.ndarray) else a
                                  for n, a in extra.items()})
        np.testing.assert_allclose(ya.numpy(), yt.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(wa.numpy(), wt.detach().numpy(), atol=1e-12)
        g = RNG.standard_normal(yt.shape)
        ya.backward(_t(g))
        yt.backward(torch.tensor(g))
        for a, b in zip(ins, tins):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-10)
    _from_torch(theirs, ours)  # and back


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_layers_match_torch(norm_first, activation, batch_first):
    torch = pytest.importorskip("torch")
    kw = dict(dropout=0.0, activation=activation, batch_first=batch_first,
              norm_first=norm_first)
    enc, tenc = (nn.TransformerEncoderLayer(8, 2, 16, dtype=np.float64, **kw),
                 torch.nn.TransformerEncoderLayer(8, 2, 16, dtype=torch.float64, **kw))
    dec, tdec = (nn.TransformerDecoderLayer(8, 2, 16, dtype=np.float64, **kw),
                 torch.nn.TransformerDecoderLayer(8, 2, 16, dtype=torch.float64, **kw))
    _from_torch(tenc, enc)
    _to_torch(dec, tdec)
    src, tgt = RNG.standard_normal((3, 4, 8)), RNG.standard_normal((3, 4, 8))
    kpm = np.zeros((3 if batch_first else 4, 4 if batch_first else 3), bool)
    kpm[0, -1] = True
    mask = nn.Transformer.generate_square_subsequent_mask(4 if batch_first else 3,
                                                          dtype=np.float64).numpy()
    a = enc(_t(src), src_key_padding_mask=kpm)
    b = tenc(torch.tensor(src), src_key_padding_mask=torch.tensor(kpm))
    np.testing.assert_allclose(a.numpy(), b.detach().numpy(), atol=1e-12)
    a = dec(_t(tgt), _t(src), tgt_mask=mask)
    b = tdec(torch.tensor(tgt), torch.tensor(src), tgt_mask=torch.tensor(mask))
    np.testing.assert_allclose(a.numpy(), b.detach().numpy(), atol=1e-12)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
def test_full_transformer_matches_torch_forward_and_backward():
    torch = pytest.importorskip("torch")
    ours = nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, dtype=np.float64)
    theirs = torch.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, dtype=torch.float64)
    _to_torch(ours, theirs)
    src, tgt = RNG.standard_normal((5, 2, 8)), RNG.standard_normal((4, 2, 8))
    mask = nn.Transformer.generate_square_subsequent_mask(4, dtype=np.float64)
    ya = ours(_t(src), _t(tgt), tgt_mask=mask)
    yt = theirs(torch.tensor(src), torch.tensor(tgt), tgt_mask=torch.tensor(mask.numpy()))
    np.testing.assert_allclose(ya.numpy(), yt.detach().numpy(), atol=1e-11)
    (ya ** 2).sum().backward()
    (yt ** 2).sum().backward()
    named = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), named[name].grad.numpy(), atol=1e-9,
                                   err_msg=name)
    stack = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2,
                                  norm=nn.LayerNorm(8))
    tstack = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16), 2,
                                         norm=torch.nn.LayerNorm(8), enable_nested_tensor=False)
    _to_torch(stack, tstack)


def test_sdpa_grouped_query_attention_matches_repeated_heads():
    q = _t(RNG.standard_normal((2, 4, 3, 5)))
    k, v = _t(RNG.standard_normal((2, 2, 6, 5))), _t(RNG.standard_normal((2, 2, 6, 3)))
    got = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    heads = [0, 0, 1, 1]
    want = F.scaled_dot_product_attention(q, k[:, heads], v[:, heads])
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="multiple"):
        F.scaled_dot_product_attention(q, k[:, :1].expand(2, 3, 6, 5), v, enable_gqa=True)
    torch = pytest.importorskip("torch")
    theirs = torch.nn.functional.scaled_dot_product_attention(
        *(torch.tensor(a.numpy()) for a in (q, k, v)), enable_gqa=True)
    np.testing.assert_allclose(got.numpy(), theirs.numpy(), atol=1e-12)


def test_square_subsequent_mask_takes_device_and_dtype():
    m = nn.Transformer.generate_square_subsequent_mask(2, device="cpu", dtype=np.float64)
    assert m.dtype == np.float64 and m.tolist() == [[0.0, -np.inf], [0.0, 0.0]]
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.Transformer.generate_square_subsequent_mask(2, device="cuda")


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_and_decoder_layers_gradcheck(norm_first):
    ag.manual_seed(2)
    enc = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation="gelu",
                                     norm_first=norm_first, dtype=np.float64)
    dec = nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, norm_first=norm_first,
                                     dtype=np.float64)
    src, tgt = _t(RNG.standard_normal((3, 2, 4)), True), _t(RNG.standard_normal((2, 2, 4)), True)
    mask = nn.Transformer.generate_square_subsequent_mask(2, dtype=np.float64)
    assert ag.gradcheck(lambda s, *p: enc(s), (src, *enc.parameters()))
    assert ag.gradcheck(lambda t, m: dec(t, m, tgt_mask=mask), (tgt, src))
