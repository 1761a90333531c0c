"""Chapter 2 prints the course's apple numbers and the chain rule; the engine agrees when rerun."""
import pytest

import autograd as ag
from tests.notebooks._outputs import number_after, printed

OUT = printed("02")


def test_apple_tax_printed_numbers_are_the_course_numbers():
    assert number_after(OUT, "支付金额 price =") == pytest.approx(22)
    assert number_after(OUT, "d price/d apple =") == pytest.approx(2.2)
    assert number_after(OUT, "d price/d apple_num =") == pytest.approx(11)
    assert number_after(OUT, "d price/d tax =") == pytest.approx(20)


def test_apples_and_oranges_printed_numbers_are_the_course_numbers():
    want = {"\nprice =": 71.5, "/ d apple ": 2.2, "/ d apple_num ": 11, "/ d orange ": 3.3,
            "/ d orange_num ": 16.5, "/ d tax ": 65}
    for label, value in want.items():
        assert number_after(OUT, label) == pytest.approx(value), label


def test_apples_and_oranges_rerun_through_the_engine():
    leaves = {k: ag.tensor(v, requires_grad=True) for k, v in
              {"a": 10.0, "an": 2.0, "o": 15.0, "on": 3.0, "t": 1.1}.items()}
    v = leaves
    total = (v["a"] * v["an"] + v["o"] * v["on"]) * v["t"]
    total.backward()
    assert total.item() == pytest.approx(71.5)
    assert [leaves[k].grad.item() for k in ("a", "an", "o", "on", "t")] == \
        pytest.approx([2.2, 11, 3.3, 16.5, 65])


def test_chain_rule_and_case_2():
    assert number_after(OUT, "dz/dx =") == 10 and number_after(OUT, "dz/dy =") == 10
    assert number_after(OUT, "hand 2x(xw - y) =") == number_after(OUT, "autograd =") == -2
    assert number_after(OUT, "epoch 100: w =") == pytest.approx(2.0, abs=1e-4)
