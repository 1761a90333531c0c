"""A variational autoencoder on digits that writes samples and reconstructions as PNG files.

Data: the MNIST IDX files under ``--data`` through ``torchvision.datasets.MNIST`` when
present, else scikit-learn's 8x8 digits scaled up to 28x28. Images go to ``--out``.

    python examples/vae.py --epochs 3 --out results
"""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset
from torchvision.utils import save_image


class VAE(nn.Module):
    def __init__(self, hidden=256, latent=16):
        super().__init__()
        self.fc1 = nn.Linear(784, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    """Reconstruction (binary cross-entropy, summed) plus the KL divergence to N(0, I)."""
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def digits_28x28():
    from sklearn.datasets import load_digits
    d = load_digits()
    images = np.kron(d.images.astype(np.float32) / 16.0, np.ones((3, 3), dtype=np.float32))
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))[:, None]
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = torch.from_numpy(images[order]), torch.from_numpy(d.target[order])
    cut = len(images) * 4 // 5
    return TensorDataset(images[:cut], labels[:cut]), TensorDataset(images[cut:], labels[cut:])


def load_data(root):
    if os.path.isdir(os.path.join(root, "MNIST", "raw")):
        from torchvision import datasets, transforms
        return (datasets.MNIST(root, train=True, transform=transforms.ToTensor()),
                datasets.MNIST(root, train=False, transform=transforms.ToTensor()))
    return digits_28x28()


def main():
    parser = argparse.ArgumentParser(description="VAE on digits")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--latent", type=int, default=16)
    parser.add_argument("--data", default="data")
    parser.add_argument("--out", default="results")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.out, exist_ok=True)
    train_set, test_set = load_data(args.data)
    if args.limit:
        train_set = torch.utils.data.Subset(train_set, range(min(args.limit, len(train_set))))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=args.batch_size)

    model = VAE(latent=args.latent).to(device)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, args.epochs + 1):
        model.train()
        for i, (data, _) in enumerate(train_loader):
            data = data.to(device)
            optimizer.zero_grad()
            recon, mu, logvar = model(data)
            loss = loss_function(recon, data, mu, logvar)
            loss.backward()
            optimizer.step()
            print(f"epoch {epoch} step {i} loss {loss.item() / len(data):.4f}")

        model.eval()
        test_loss = 0.0
        with torch.no_grad():
            for i, (data, _) in enumerate(test_loader):
                data = data.to(device)
                recon, mu, logvar = model(data)
                test_loss += loss_function(recon, data, mu, logvar).item()
                if i == 0:
                    n = min(data.size(0), 8)
                    comparison = torch.cat([data[:n], recon.view(-1, 1, 28, 28)[:n]])
                    save_image(comparison.cpu(),
                               os.path.join(args.out, f"reconstruction_{epoch}.png"), nrow=n)
            sample = torch.randn(64, args.latent).to(device)
            sample = model.decode(sample).cpu()
            save_image(sample.view(64, 1, 28, 28), os.path.join(args.out, f"sample_{epoch}.png"))
        print(f"test_loss {test_loss / len(test_loader.dataset):.4f}")


if __name__ == "__main__":
    main()
