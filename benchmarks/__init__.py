"""Side-by-side speed and memory of scratchgrad, PyTorch CPU and hand-written numpy.

Run ``python -m benchmarks`` (``--help`` for options).
"""
