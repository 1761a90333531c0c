"""Chapter 15: the autoencoder beats PCA at 2 numbers, and the GAN reaches every cluster."""
from tests.notebooks._outputs import line_numbers, printed

OUT = printed("15")


def test_autoencoder_reconstructs_better_than_pca():
    autoencoder, _, pca = line_numbers(OUT, "test reconstruction mse: autoencoder")
    assert autoencoder < 0.045 and autoencoder < pca


def test_gan_covers_all_eight_clusters():
    numbers = line_numbers(OUT, "after 3000 steps:")
    near_ring, reached = numbers[0], numbers[2]
    per_cluster = numbers[-8:]
    assert near_ring > 90 and reached == 8 and min(per_cluster) > 20
