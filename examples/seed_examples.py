"""The two starter programs: change only the import and get PyTorch's numbers."""

import retrograd as torch

X = torch.tensor([[2, 4, 6], [2, 7, 9], [2, 4, 5]], dtype=torch.float, requires_grad=True)
for i in range(2):
    for j in range(3):
        output = X[i, j] * X[i, j]
        output.backward()
print(X.grad)  # tensor([[ 4.,  8., 12.], [ 4., 14., 18.], [ 0.,  0.,  0.]])

A = torch.tensor(2.0, requires_grad=True)
B = A * 4
B.backward()
print(A.grad.data)  # tensor(4.)
