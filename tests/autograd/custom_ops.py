"""The custom Function the engine and gradcheck tests share: x**3, written as a user would."""
import autograd as ag


class Cube(ag.Function):
    """Correct: backward written with Tensor ops, so double backward works too."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2
