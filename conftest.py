"""Test-session setup shared by the suite and the doctests."""
import os

# The suite's arrays are small; one BLAS thread per process avoids oversubscribing
# a 2-core machine (multi-threaded BLAS made small convolutions several times slower).
# Set before numpy is first imported; an explicit setting in the environment wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
