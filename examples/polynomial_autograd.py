"""Fit y = sin(x) on [-pi, pi] with a cubic polynomial, as in PyTorch's autograd tutorial:
the forward pass is written with tensor operations, autograd computes the gradients, and the
update is a plain gradient-descent step under ``no_grad``."""

import math

import retrograd as torch

dtype = torch.float64
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)

# The tutorial starts from random weights; fixed ones make this script print the same numbers
# under PyTorch (`import torch`), which is how the test suite checks it.
a = torch.tensor(0.1, dtype=dtype, requires_grad=True)
b = torch.tensor(0.2, dtype=dtype, requires_grad=True)
c = torch.tensor(-0.1, dtype=dtype, requires_grad=True)
d = torch.tensor(0.05, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x**2 + d * x**3
    loss = (y_pred - y).pow(2).sum()
    if t % 500 == 499:
        print(t, round(loss.item(), 4))
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None

print(f"Result: y = {a.item():.5f} + {b.item():.5f} x + {c.item():.5f} x^2 + {d.item():.5f} x^3")
