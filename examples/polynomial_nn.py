"""Fit y = sin(x) with a cubic polynomial written as an ``nn`` model and trained by an
``optim`` optimizer, as in PyTorch's nn/optim tutorial."""

import math

import retrograd as torch

x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float64)
y = torch.sin(x)

# Features x, x^2, x^3: a (2000, 3) tensor, so a Linear(3, 1) layer is the polynomial.
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1)).double()
# The tutorial keeps the random initial weights; zeros make this script print the same numbers
# under PyTorch (`import torch`), which is how the test suite checks it.
with torch.no_grad():
    for param in model.parameters():
        param.zero_()
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)

for t in range(2000):
    loss = loss_fn(model(xx), y)
    if t in (9, 99, 999, 1999):
        print(t, round(loss.item(), 4))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

linear_layer = model[0]
w = linear_layer.weight[0]
print(
    f"Result: y = {linear_layer.bias.item():.4f} + {w[0].item():.4f} x"
    f" + {w[1].item():.4f} x^2 + {w[2].item():.4f} x^3"
)
