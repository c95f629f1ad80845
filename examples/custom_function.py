"""A custom autograd.Function, as in the PyTorch tutorial: the Legendre polynomial
P3(x) = (5x^3 - 3x) / 2 with a hand-written backward, fitted to sin(x) by gradient descent."""

import math

import retrograd as torch


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


torch.manual_seed(0)
x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float64)
y = torch.sin(x)
a, b, c, d = (torch.full((), v, dtype=torch.float64, requires_grad=True)
              for v in (0.0, -1.0, 0.0, 0.3))  # fmt: skip

learning_rate = 5e-6
for t in range(2000):
    y_pred = a + b * LegendrePolynomial3.apply(c + d * x)
    loss = ((y_pred - y) ** 2).sum()
    if t % 500 == 499:
        print(t, round(loss.item(), 4))
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None
print(f"Result: y = {a.item():.4f} + {b.item():.4f} * P3({c.item():.4f} + {d.item():.4f} x)")
