"""Learn sine waves with two stacked LSTM cells trained by L-BFGS, then predict ahead.

The data and the starting weights come from a seeded numpy generator, so every engine starts
from the same point. ``--future`` steps are predicted by feeding outputs back as inputs.

    python examples/sine_lstm.py --steps 6 --future 50
"""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


class Sequence(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, x, future=0):
        outputs = []
        n = x.size(0)
        h_t = torch.zeros(n, self.hidden, dtype=torch.double)
        c_t = torch.zeros(n, self.hidden, dtype=torch.double)
        h_t2 = torch.zeros(n, self.hidden, dtype=torch.double)
        c_t2 = torch.zeros(n, self.hidden, dtype=torch.double)
        for input_t in x.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for _ in range(future):
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


def sine_data(rng, n, length, period=20):
    x = np.empty((n, length), dtype=np.float64)
    x[:] = np.arange(length) + rng.integers(-4 * period, 4 * period, n).reshape(n, 1)
    return np.sin(x / period)


def init_from_numpy(model, rng):
    """Uniform(-1/sqrt(hidden), 1/sqrt(hidden)) weights drawn in parameter-name order."""
    bound = 1.0 / math.sqrt(model.hidden)
    with torch.no_grad():
        for _name, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(p.shape))))


def main():
    parser = argparse.ArgumentParser(description="sine-wave LSTM with L-BFGS")
    parser.add_argument("--steps", "--epochs", type=int, default=8, dest="steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=24, help="number of training waves")
    parser.add_argument("--length", type=int, default=60)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--max-iter", type=int, default=10)
    parser.add_argument("--future", type=int, default=40)
    parser.add_argument("--line-search", choices=["strong_wolfe"], default=None)
    parser.add_argument("--batch-size", type=int, default=None, help="unused: L-BFGS is full-batch")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    L = args.length
    data = sine_data(rng, args.limit + 3, L + 1 + args.future)
    train_input = torch.from_numpy(data[3:, :L])
    target = torch.from_numpy(data[3:, 1:L + 1])
    test_input = torch.from_numpy(data[:3, :L])
    test_target = torch.from_numpy(data[:3, 1:])

    seq = Sequence(args.hidden).double()
    init_from_numpy(seq, rng)
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8 if args.line_search is None else 1,
                            max_iter=args.max_iter, line_search_fn=args.line_search)

    for i in range(args.steps):
        def closure():
            optimizer.zero_grad()
            out = seq(train_input)
            loss = criterion(out, target)
            loss.backward()
            return loss
        loss = optimizer.step(closure)
        print(f"step {i} loss {loss.item():.8f}")
        with torch.no_grad():
            pred = seq(test_input, future=args.future)
            test_loss = criterion(pred[:, :L], test_target[:, :L])
            future_loss = criterion(pred[:, L:], test_target[:, L:])
            print(f"test_loss {test_loss.item():.8f}")
            print(f"future_loss {future_loss.item():.8f}")
    y = pred.detach().numpy()
    print(f"predicted {args.future} steps ahead, last values {np.round(y[:, -1], 3).tolist()}")


if __name__ == "__main__":
    main()
