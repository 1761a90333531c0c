"""Fit a degree-4 polynomial with one linear layer, updating ``param.data`` by hand.

The weights start from a seeded numpy draw and the batches come from numpy too, so the same
command gives the same starting point in every engine; ``--noise`` adds ``torch.randn`` noise.

    python examples/polynomial_regression.py --steps 300
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F

POLY_DEGREE = 4


def make_features(x):
    """Columns [x, x^2, x^3, x^4] from a column of x."""
    x = x.unsqueeze(1)
    return torch.cat([x.pow(i) for i in range(1, POLY_DEGREE + 1)], 1)


def poly_desc(W, b):
    result = "y = "
    for i, w in enumerate(W):
        result += f"{w:+.2f} x^{i + 1} "
    result += f"{b[0]:+.2f}"
    return result


def main():
    parser = argparse.ArgumentParser(description="polynomial regression")
    parser.add_argument("--steps", "--epochs", type=int, default=400, dest="steps")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise", type=float, default=0.0)
    parser.add_argument("--limit", type=int, default=None, help="stop after this many steps")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    W_target = torch.from_numpy(rng.standard_normal((POLY_DEGREE, 1))) * 5
    b_target = torch.from_numpy(rng.standard_normal(1)) * 5

    def f(x):
        return x.mm(W_target) + b_target.item()

    def get_batch(batch_size):
        random = torch.from_numpy(rng.uniform(-1.0, 1.0, batch_size))
        x = make_features(random)
        y = f(x) + args.noise * torch.randn(batch_size, 1, dtype=torch.float64)
        return x, y

    fc = torch.nn.Linear(W_target.size(0), 1).double()
    with torch.no_grad():
        fc.weight.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, (1, POLY_DEGREE))))
        fc.bias.data.fill_(0.0)

    steps = min(args.steps, args.limit) if args.limit else args.steps
    for step in range(1, steps + 1):
        batch_x, batch_y = get_batch(args.batch_size)
        fc.zero_grad()
        output = F.smooth_l1_loss(fc(batch_x), batch_y)
        loss = output.item()
        output.backward()
        for param in fc.parameters():
            param.data.add_(-args.lr * param.grad.data)
        print(f"step {step} loss {loss:.6f}")
        if loss < 1e-3:
            break

    print("Learned function:\t" + poly_desc(fc.weight.view(-1).tolist(), fc.bias.tolist()))
    print("Actual function:\t" + poly_desc(W_target.view(-1).tolist(), b_target.tolist()))
    print(f"final_loss {output:.6f}")


if __name__ == "__main__":
    main()
