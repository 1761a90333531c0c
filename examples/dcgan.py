"""A DCGAN on 16x16 digits: transposed convolutions, BatchNorm, BCELoss, Adam(0.5, 0.999).

Data: scikit-learn's 8x8 digits scaled up to 16x16 and to [-1, 1]. Writes the real batch and
the generator's samples as image grids under ``--out``, and prints how far the average
generated image is from the average real one (``image_gap``) before and after training.

    python examples/dcgan.py --epochs 5 --out results
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import torchvision.utils as vutils
from torch.utils.data import DataLoader, TensorDataset


class Generator(nn.Module):
    def __init__(self, nz=16, ngf=16):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),   # 4x4
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),  # 8x8
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False),        # 16x16
            nn.Tanh(),
        )

    def forward(self, input):  # noqa: A002 - PyTorch's own parameter name
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, ndf=16):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False),                 # 8x8
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),           # 4x4
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),             # 1x1
            nn.Sigmoid(),
        )

    def forward(self, input):  # noqa: A002
        return self.main(input).view(-1, 1).squeeze(1)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        m.weight.data.normal_(0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)


def digits_16x16(limit=None):
    from sklearn.datasets import load_digits
    images = load_digits().images.astype(np.float32) / 16.0
    images = np.kron(images, np.ones((2, 2), dtype=np.float32)) * 2 - 1
    if limit:
        images = images[:limit]
    return torch.from_numpy(images).unsqueeze(1)


def main():
    parser = argparse.ArgumentParser(description="DCGAN on digits")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--nz", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.0002 * 5)
    parser.add_argument("--beta1", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=999)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", default="results")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.out, exist_ok=True)
    real_images = digits_16x16(args.limit)
    dataloader = DataLoader(TensorDataset(real_images), batch_size=args.batch_size,
                            shuffle=True, drop_last=True)

    netG = Generator(args.nz).to(device)
    netG.apply(weights_init)
    netD = Discriminator().to(device)
    netD.apply(weights_init)
    criterion = nn.BCELoss()
    fixed_noise = torch.randn(64, args.nz, 1, 1, device=device)
    real_label, fake_label = 1.0, 0.0
    optimizerD = optim.Adam(netD.parameters(), lr=args.lr, betas=(args.beta1, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=args.lr, betas=(args.beta1, 0.999))
    real_mean = real_images.mean(0)

    def image_gap():
        with torch.no_grad():
            netG.eval()
            fake = netG(fixed_noise)
            netG.train()
        return (fake.mean(0) - real_mean).abs().mean().item()

    print(f"image_gap_start {image_gap():.4f}")
    vutils.save_image(real_images[:64], os.path.join(args.out, "real_samples.png"),
                      normalize=True)
    step = 0
    for epoch in range(args.epochs):
        for (data,) in dataloader:
            # (1) discriminator: maximize log(D(x)) + log(1 - D(G(z)))
            netD.zero_grad()
            real_cpu = data.to(device)
            batch_size = real_cpu.size(0)
            label = torch.full((batch_size,), real_label, dtype=real_cpu.dtype, device=device)
            output = netD(real_cpu)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()

            noise = torch.randn(batch_size, args.nz, 1, 1, device=device)
            fake = netG(noise)
            label.fill_(fake_label)
            output = netD(fake.detach())
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()

            # (2) generator: maximize log(D(G(z)))
            netG.zero_grad()
            label.fill_(real_label)
            output = netD(fake)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()
            print(f"step {step} loss_D {errD.item():.4f} loss_G {errG.item():.4f} "
                  f"D(x) {D_x:.4f} D(G(z)) {D_G_z1:.4f} / {D_G_z2:.4f}")
            step += 1
        with torch.no_grad():
            fake = netG(fixed_noise).detach().cpu()
        vutils.save_image(fake, os.path.join(args.out, f"fake_samples_epoch_{epoch:03d}.png"),
                          normalize=True)
    print(f"image_gap_end {image_gap():.4f}")


if __name__ == "__main__":
    main()
