"""retrograd: reverse-mode automatic differentiation with PyTorch's API, on NumPy.

``import retrograd as torch`` runs ordinary ``torch.autograd`` code::

    x = retrograd.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""

from __future__ import annotations

from . import (
    _ops,  # noqa: F401  (attaches the Tensor methods)
    func,
    linalg,
)
from ._device import device
from ._dtype import (
    bfloat16,
    can_cast,
    complex64,
    complex128,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
)
from ._dtype import bool_ as bool  # noqa: A001  (PyTorch's name)
from ._ops._convert import result_type
from ._ops.creation import (
    Generator,
    arange,
    as_tensor,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_rng_state,
    initial_seed,
    is_complex,
    is_floating_point,
    is_nonzero,
    is_tensor,
    linspace,
    manual_seed,
    normal,
    numel,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    scalar_tensor,
    seed,
    set_rng_state,
    tensor,
    zeros,
    zeros_like,
)
from ._ops.elementwise_ops import (
    abs,
    absolute,
    add,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    clamp,
    clamp_max,
    clamp_min,
    clip,
    clone,
    conj,
    cos,
    div,
    divide,
    eq,
    exp,
    ge,
    greater,
    greater_equal,
    gt,
    imag,
    isnan,
    le,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    masked_fill,
    mul,
    ne,
    neg,
    negative,
    not_equal,
    pow,
    real,
    relu,
    rsub,
    sgn,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    sub,
    tanh,
    true_divide,
    where,
)
from ._ops.elementwise_ops import mul as multiply
from ._ops.elementwise_ops import sub as subtract
from ._ops.linalg_ops import (
    addbmm,
    addmm,
    addmv,
    addr,
    baddbmm,
    bmm,
    cross,
    diag,
    diag_embed,
    diagonal,
    dot,
    einsum,
    inner,
    kron,
    matmul,
    mm,
    mv,
    outer,
    tensordot,
    trace,
    tril,
    triu,
    vdot,
)
from ._ops.linalg_ops import outer as ger
from ._ops.reduce_ops import (
    amax,
    amin,
    argmax,
    argmin,
    cumprod,
    cumsum,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    softmax,
    std,
    std_mean,
    sum,
    var,
    var_mean,
)
from ._ops.shape_ops import (
    broadcast_to,
    cat,
    concat,
    concatenate,
    expand,
    flatten,
    flip,
    gather,
    narrow,
    nonzero,
    permute,
    reshape,
    select,
    squeeze,
    stack,
    swapaxes,
    swapdims,
    t,
    transpose,
    unbind,
    unsqueeze,
)
from ._tensor import Size, Tensor
from ._tensor_str import set_printoptions
from ._threads import get_num_threads, set_num_threads
from .autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

float = float32  # noqa: A001
double = float64
half = float16
cfloat = complex64
cdouble = complex128
long = int64
int = int32  # noqa: A001
short = int16

__version__ = "0.1.0"
