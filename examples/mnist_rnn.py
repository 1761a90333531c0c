"""Classify MNIST digits with an LSTM that reads each image one row at a time.

Adam, gradient-norm clipping, and the same data as mnist_cnn.py: the IDX files under
``--data`` through ``torchvision.datasets.MNIST`` when present, else scikit-learn's 8x8
digits scaled up to 28x28.

    python examples/mnist_rnn.py --epochs 2 --limit 1000
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class RowLSTM(nn.Module):
    def __init__(self, input_size=28, hidden_size=64, num_layers=1, num_classes=10):
        super().__init__()
        self.rnn = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        x = x.view(x.size(0), 28, 28)  # (batch, rows, pixels per row)
        out, (h_n, c_n) = self.rnn(x)
        return self.fc(out[:, -1, :])


def digits_28x28():
    from sklearn.datasets import load_digits
    d = load_digits()
    images = np.kron(d.images.astype(np.float32) / 16.0, np.ones((3, 3), dtype=np.float32))
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], d.target[order]
    cut = len(images) * 4 // 5
    x = torch.from_numpy(images[:, None])
    y = torch.from_numpy(labels).to(torch.long)
    return TensorDataset(x[:cut], y[:cut]), TensorDataset(x[cut:], y[cut:])


def load_data(root):
    if os.path.isdir(os.path.join(root, "MNIST", "raw")):
        from torchvision import datasets, transforms
        return (datasets.MNIST(root, train=True, transform=transforms.ToTensor()),
                datasets.MNIST(root, train=False, transform=transforms.ToTensor()))
    return digits_28x28()


def main():
    parser = argparse.ArgumentParser(description="row-by-row LSTM on MNIST")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--data", default="data")
    parser.add_argument("--no-accel", action="store_true", help="stay on the CPU")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    use_accel = not args.no_accel and torch.accelerator.is_available()
    device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
    print(f"device {device}" if use_accel else "running on the CPU")
    train_set, test_set = load_data(args.data)
    if args.limit:
        train_set = torch.utils.data.Subset(train_set, range(min(args.limit, len(train_set))))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)

    model = RowLSTM(hidden_size=args.hidden).to(device)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(1, args.epochs + 1):
        model.train()
        for i, (images, labels) in enumerate(train_loader):
            images, labels = images.to(device), labels.to(device)
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=args.clip)
            optimizer.step()
            print(f"epoch {epoch} step {i} loss {loss.item():.6f} grad_norm {norm:.3f}")

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for images, labels in test_loader:
                outputs = model(images.to(device))
                _, predicted = torch.max(outputs.data, 1)
                total += labels.size(0)
                correct += (predicted.cpu() == labels).sum().item()
        print(f"accuracy {correct / total:.4f}")


if __name__ == "__main__":
    main()
