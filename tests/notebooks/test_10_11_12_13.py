"""Chapters 10-13: the parameter counts, the fair shortcut comparison and the accuracies printed."""
import pytest

from tests.notebooks._outputs import line_numbers, number_after, printed


def test_vgg16_parameter_count():
    out = printed("10")
    assert number_after(out, "VGG-16: conv layers") == 14_714_688
    assert number_after(out, "all layers") == 138_357_544


def test_small_models_and_the_shortcut():
    out = printed("10")
    assert number_after(out, "VGG-small              17,850 parameters  test acc") > 0.95
    assert number_after(out, "ResNet-small           19,706 parameters  test acc") > 0.93
    plain = line_numbers(out, "12 blocks, shortcut False:")
    residual = line_numbers(out, "12 blocks, shortcut True :")
    assert residual[-1] > plain[-1] + 0.2          # same layers; only the shortcut differs


def test_lstm_equations_and_parameter_counts():
    out = printed("11")
    assert number_after(out, "max |equations - nn.LSTM| over 5 steps =") < 1e-5
    counts = {c: number_after(out, f"{c:<5} 8 -> 64:") for c in ("RNN", "GRU", "LSTM")}
    assert counts == {"RNN": 4_736, "GRU": 14_208, "LSTM": 18_944}


def test_sequences_learn_and_the_forget_gate_keeps_the_gradient():
    out = printed("11")
    assert number_after(out, "step 149  mse") < 0.01
    for cell in ("RNN", "LSTM", "GRU"):
        assert line_numbers(out, f"{cell:<5} test accuracy")[0] > 0.8
    rnn_first = line_numbers(out, "RNN                            |dL/dx_0| =")[0]
    open_first = line_numbers(out, "LSTM, forget gate biased open  |dL/dx_0| =")[0]
    assert rnn_first < 1e-8 < 1e-2 < open_first


def test_universal_approximation_and_depth():
    out = printed("12")
    assert number_after(out, "max error on [-2, 2]:") == pytest.approx(1.072, abs=0.01)
    assert number_after(out, "100 neurons: mse") < number_after(out, " 20 neurons: mse") < \
        number_after(out, "  6 neurons: mse")
    k6 = line_numbers(out, "k = 6:")
    assert k6[2] == 42 and k6[3] == 64              # 42 parameters draw 64 linear pieces


def test_fine_tuning_with_few_images():
    out = printed("13")
    assert number_after(out, "test accuracy") == pytest.approx(0.958, abs=0.03)
    scratch, frozen, _ = line_numbers(out, " 25 images of digits 5-9:")
    assert frozen > scratch


def test_inception_block_and_test_time_crops():
    out = printed("10")
    counts = line_numbers(out, "Inception 32 ->")
    assert (counts[1], counts[-1]) == (5_740, 44_856)
    assert "output shape: (2, 56, 8, 8)" in out
    assert line_numbers(out, "small Inception net: test acc")[0] > 0.8
    one, _, nine = line_numbers(out, "ResNet-small + shifts: one centred crop")
    assert nine >= one


def test_encoder_decoder_reverses_sequences():
    out = printed("11")
    loss, _, digits, sequences = line_numbers(out, "after 400 steps:")
    assert loss < 0.3 and digits > 80 and sequences > 50


def test_gradient_flow_vanishes_in_the_sigmoid_net_and_not_with_shortcuts():
    out = printed("10")
    sigmoid = number_after(out, "sigmoid : first layer")
    residual = number_after(out, "residual: first layer")
    assert sigmoid < 1e-8 and residual > 1e-4      # vanishing vs kept in range


def test_ctc_learns_to_read_sequences_without_alignments():
    out = printed("11")
    first = number_after(out, "step   0: CTC loss")
    last = number_after(out, "step 300: CTC loss")
    assert first > 3 and last < 0.3                   # CTC loss from ~5 down to near 0
    assert number_after(out, "greedy decoding:") >= 170   # of 200 sequences read exactly
