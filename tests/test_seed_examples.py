"""The two programs from the README give exactly PyTorch's printed results."""

import retrograd as torch


def test_indexing_loop_accumulates_into_leaf_grad():
    X = torch.tensor([[2, 4, 6], [2, 7, 9], [2, 4, 5]], dtype=torch.float, requires_grad=True)
    for i in range(2):
        for j in range(3):
            output = X[i, j] * X[i, j]
            output.backward()
    assert X.grad.tolist() == [[4.0, 8.0, 12.0], [4.0, 14.0, 18.0], [0.0, 0.0, 0.0]]
    assert repr(X.grad) == (
        "tensor([[ 4.,  8., 12.],\n        [ 4., 14., 18.],\n        [ 0.,  0.,  0.]])"
    )


def test_scalar_times_constant():
    A = torch.tensor(2.0, requires_grad=True)
    B = A * 4
    B.backward()
    assert A.grad.item() == 4.0
    assert repr(A.grad.data) == "tensor(4.)"
    assert repr(B) == "tensor(8., grad_fn=<MulBackward0>)"
