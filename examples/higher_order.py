"""Derivatives of any order with create_graph=True, and a Hessian-vector product by
forward-over-reverse, on f(x) = sum(sin(x) * x**2)."""

import retrograd as torch
from retrograd.autograd import forward_ad as fwAD

x = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64, requires_grad=True)
y = (torch.sin(x) * x**2).sum()

(g,) = torch.autograd.grad(y, x, create_graph=True)  # 2x sin x + x^2 cos x
(h,) = torch.autograd.grad(g.sum(), x, create_graph=True)  # sum of Hessian rows
(t,) = torch.autograd.grad(h.sum(), x)  # third derivative, summed
print("first: ", g)
print("second:", h)
print("third: ", t)

# Hessian-vector product: the tangent of the gradient in direction v
v = torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
with fwAD.dual_level():
    xd = fwAD.make_dual(x.detach().requires_grad_(), v)
    (gd,) = torch.autograd.grad((torch.sin(xd) * xd**2).sum(), xd, create_graph=True)
    print("H @ v: ", fwAD.unpack_dual(gd).tangent)
