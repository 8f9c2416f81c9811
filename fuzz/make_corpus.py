#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus, fuzz/corpus/, from the programs below.

Each seed is a small program in the encoding fuzz/program.c decodes (see the
comment at its top): an opcode byte, then that operation's operand bytes.
The helpers here mirror the decoder's operations one for one; keep them in
step with OPS[] in program.c. Run with plain python3 (no dependencies); the
output is the same on every run:

    python3 fuzz/make_corpus.py          # rewrites fuzz/corpus/
"""
import os
import shutil
import sys

# Opcodes: the order of OPS[] in program.c.
(CREATE, FROM, ARANGE, BINARY, BINARY_SCALAR, UNARY, WHERE, REDUCE, VIEW, MATMUL, LOSS,
 INPLACE, REQUIRES_GRAD, BACKWARD, AUTOGRAD_GRAD, GRAD, GRAD_MODE, SCOPE, INSPECT, MOVE,
 GRADCHECK, FAIL_ALLOC, UNARY2, BINARY2, REDUCE2, SHAPE, INDEX, LINALG, CREATE2, ADVANCED_INDEX) = range(30)

# dtype bytes (index into DTYPES[] in program.c)
F32, F64, I32, I64, BOOL, F16, BF16, C64, C128, BAD9, BADNEG = 0, 3, 5, 6, 8, 10, 11, 12, 13, 14, 15

# value bytes: VALUES[] in program.c, or 0x80 | (64 + 8v) for v a multiple of 1/8 in [-8, 8)
V0, V1, VM1, V2, VM2, VHALF, VMHALF, V3, VMILLI, V100, VBIG, VMBIG, VNAN, VINF, VMINF, VNEGZERO = range(16)


def val(x):
    """The byte for a small multiple of 1/8."""
    b = int(round(x * 8)) + 64
    assert 0 <= b < 128
    return 0x80 | b


def reg(i, borrowed=False):
    """A register operand; borrowed results are held by their scope."""
    return (i % 8) | (8 if borrowed else 0)


def shape(*sizes):
    """A valid shape: rank byte then one byte per size."""
    assert len(sizes) <= 4 and all(0 <= s <= 5 for s in sizes)
    return [len(sizes)] + list(sizes)


def absurd(kind, extra=0):
    """An absurd shape (gen_shape's 0xf0 cases): 0 ndim -1, 1 ndim 17,
    2 ndim 64, 3 a negative size, 4 and 5 overflowing counts, 6 empty with a
    large dim, 7 a NULL shape pointer."""
    return [0xF0 | kind] + ([extra] if kind == 3 else [])


def dim(d, nd):
    """The gen_dim byte that decodes to dim d for rank nd."""
    n = nd if nd > 0 else 1
    b = d + n + 1
    assert 0 <= b < 2 * n + 2
    return b


def end(x):
    """An arange bound byte for an integer x in [-10, 10]."""
    assert -10 <= x <= 10
    return 0x80 | (x + 10)


def index(i, size):
    b = i + size + 2
    assert 0 <= b < 2 * size + 5
    return b


class P:
    def __init__(self):
        self.b = []

    def emit(self, *xs):
        for x in xs:
            if isinstance(x, (list, tuple)):
                self.emit(*x)
            else:
                self.b.append(x & 0xFF)
        return self

    # creation
    def full(self, dst, shp, dtype=F32, value=V1, kind=2):
        return self.emit(CREATE, dst, kind, shp, dtype, value)

    def zeros(self, dst, shp, dtype=F32):
        return self.full(dst, shp, dtype, V0, 0)

    def empty(self, dst, shp, dtype=F32, value=V2):
        return self.full(dst, shp, dtype, value, 3)

    def scalar(self, dst, value):
        return self.emit(CREATE, dst, 4, shape(), F32, value)

    def rand(self, dst, shp, dtype=F32, seed=7, normal=False):
        return self.emit(CREATE, dst, 6 if normal else 5, shp, dtype, V0, seed)

    def from_pattern(self, dst, kind, shp, seed=0x81, stride=5, null=False):
        """kind: 0 f32, 1 f64, 2 i64, 3 i32, 4 bool; values follow a pattern."""
        return self.emit(FROM, dst, kind, shp, 6 if null else 0, seed, stride)

    def from_bytes(self, dst, kind, shp, data):
        return self.emit(FROM, dst, kind, shp, 1, 0, 0, data)

    def arange(self, dst, start_b, end_b, step_i, dtype=F32):
        return self.emit(ARANGE, dst, start_b, end_b, step_i, dtype)

    # operations
    def binary(self, dst, which, a, b):
        """which: add sub mul div pow maximum minimum"""
        return self.emit(BINARY, dst, which, a, b)

    def scalar_op(self, dst, which, a, value):
        """which: add sub mul div pow rsub"""
        return self.emit(BINARY_SCALAR, dst, which, a, value)

    def unary(self, dst, which, a, dtype=None):
        """which: neg exp log sqrt abs sin cos tanh sigmoid relu sign clone
        contiguous detach data, 15 = to(dtype)"""
        self.emit(UNARY, dst, which, a)
        return self.emit(dtype) if which == 15 else self

    def where(self, dst, c, a, b):
        return self.emit(WHERE, dst, c, a, b)

    def reduce(self, dst, which, a, dims=(), nd=2, keepdim=False, ndims_byte=None):
        """which: sum mean sum_dim mean_dim max_dim max_dim+indices norm"""
        ds = [dim(d, nd) for d in dims] + [0] * (4 - len(dims))
        return self.emit(REDUCE, dst, which, a, len(dims) if ndims_byte is None else ndims_byte,
                         ds, 1 if keepdim else 0)

    def view(self, dst, which, a, *args):
        """which: view reshape transpose permute expand select slice
        unsqueeze squeeze_dim t unsqueeze-chain; args are raw operand bytes"""
        return self.emit(VIEW, dst, which, a, list(args))

    def matmul(self, dst, a, b):
        return self.emit(MATMUL, dst, a, b)

    def loss(self, dst, mse, a, b):
        return self.emit(LOSS, dst, 1 if mse else 0, a, b)

    def inplace(self, which, t, *args):
        """which: 0-6 binary_ (other reg), 7-12 scalar_ (value), 13 zero_,
        14 fill_ (value), 15 copy_ (src reg)"""
        return self.emit(INPLACE, which, t, list(args))

    def requires_grad(self, r, flag=True):
        return self.emit(REQUIRES_GRAD, r, 1 if flag else 0)

    def backward(self, root, grad=None, retain=False, create=False, ex=True):
        b = (1 if grad is not None else 0) | (2 if retain else 0) | (4 if create else 0) | (8 if ex else 0)
        self.emit(BACKWARD, b, root)
        return self.emit(grad) if grad is not None else self

    def autograd_grad(self, outs, ins, gos=None, dsts=(5, 6, 7), retain=False, create=False,
                      null_outputs=False, null_grads_out=False):
        b = len(outs) | (len(ins) << 2)
        c = (1 if retain else 0) | (2 if create else 0) | (4 if gos is not None else 0)
        if null_outputs:
            c |= 0x30
        if null_grads_out:
            c |= 0xC0
        outs = list(outs) + [0] * (2 - len(outs))
        ins = list(ins) + [0] * (3 - len(ins))
        go_bytes = []
        gl = list(gos or [])
        for g in gl + [None] * (2 - len(gl)):
            go_bytes += [0] if g is None else [1, g]
        self.emit(AUTOGRAD_GRAD, b, c, outs, ins)
        # program.c reads each grad_output's flag byte and then, when set, its register
        return self.emit(go_bytes, list(dsts))

    def zero_grad(self, r):
        return self.emit(GRAD, 1, 0, r)

    def grad(self, dst, r):
        return self.emit(GRAD, 0, dst, r)

    def set_grad_enabled(self, on):
        return self.emit(GRAD_MODE, 2 if on else 0)

    def no_grad(self, n):
        """The next n (1-4) instructions run in a TG_NO_GRAD block."""
        return self.emit(GRAD_MODE, 1 | ((n - 1) << 1))

    def scope_begin(self):
        return self.emit(SCOPE, 0, 0)

    def scope_end(self):
        return self.emit(SCOPE, 1, 0)

    def keep(self, r):
        return self.emit(SCOPE, 2, r)

    def retain(self, r):
        return self.emit(SCOPE, 3, r)

    def release(self):
        return self.emit(SCOPE, 4, 0)

    def inspect(self, what, r, arg=0):
        """what: 0 repr, 1 dot to /dev/null, 2 dot to a small buffer (arg:
        size / 4), 3 dot to NULL, 4 item, 5 copy_to_f64 (arg 1: NULL out),
        6 walk the graph (arg: path), 7 readers (arg: a dtype byte), 8 repr
        of the grad"""
        self.emit(INSPECT, what, r)
        return self.emit(arg) if what in (2, 5, 6, 7) else self

    def move(self, dst, src):
        return self.emit(MOVE, dst, src)

    def clear(self, r):
        return self.emit(MOVE, r, 0x80)

    def gradcheck(self, fn, x, y=0, two=False, prepare=True, second=False):
        b = (1 if two else 0) | (2 if prepare else 0) | (4 if second else 0)
        return self.emit(GRADCHECK, b, fn, x, y)

    def fail_alloc(self, n):
        return self.emit(FAIL_ALLOC, n)

    # the operations added later (op_unary2 ... op_create2)
    def unary2(self, dst, which, a, params=None, inplace=False):
        """which: the index into UNARY2[] (0-47), or 48 + the parametric
        ones (softplus leaky_relu elu celu hardtanh clamp clamp_min
        clamp_max nan_to_num fmod_scalar remainder_scalar eq..ge_scalar),
        which read three value bytes"""
        self.emit(UNARY2, dst, which | (0x80 if inplace else 0), a)
        return self.emit(list(params or (V1, V2, V0))) if which >= 48 else self

    def binary2(self, dst, which, a, b, c=0, value=V2, inplace=False):
        """which: eq ne lt le gt ge logical_and/or/xor atan2 fmod remainder
        hypot xlogy (0-13), lerp lerp_scalar addcmul addcdiv masked_fill
        masked_fill-with-gt (14-19)"""
        return self.emit(BINARY2, dst, which | (0x80 if inplace else 0), a, b, c, value)

    def reduce2(self, dst, which, a, dims=(), nd=2, flags=0, value=None):
        """which: see op_reduce2 (0 max ... 26 topk); flags: 1 keepdim,
        2 descending/largest, 4 sorted, 8 no second result, top 3 bits
        the correction or k"""
        ds = [dim(d, nd) for d in dims] + [0] * (4 - len(dims))
        self.emit(REDUCE2, dst, which, a, len(dims), ds, flags)
        return self.emit(value) if which == 20 else self

    def shape_op(self, dst, which, a, *args):
        """which: see op_shape (0 cat ... 24 unsqueeze_); args: raw bytes"""
        return self.emit(SHAPE, dst, which, a, list(args))

    def index_op(self, dst, which, a, src, d, idx_mode, idx, value=V1):
        """which: index_select gather scatter scatter_add index_add
        take_along_dim masked_select scatter_ scatter_add_ index_add_;
        idx_mode: 0 raw, 1 i64, 2 i32, 3 abs, 3|8 abs mod size"""
        return self.emit(INDEX, dst, which, a, src, d, idx_mode, idx, value)

    def advanced_index(self, dst, which, a, values, items, accumulate=False):
        """which: 0 index, 1 index_put, 2 index_put_; items: ("t", idx_mode,
        reg) an index tensor as index_op makes one, ("i", k), ("s", start,
        stop, step) (stop None: TG_END; step -1 to 2), ("n",) None, ("e",) ..."""
        self.emit(ADVANCED_INDEX, dst, which | (8 if accumulate else 0), a, values, len(items))
        for it in items:
            if it[0] == "t":
                self.emit(0, 0, it[1], it[2])
            elif it[0] == "i":
                self.emit(2, it[1])
            elif it[0] == "s":
                step = (it[3] + 1) << 3
                self.emit(3 | step | (0x40 if it[2] is None else 0), it[1])
                if it[2] is not None:
                    self.emit(it[2])
            else:
                self.emit(4 if it[0] == "n" else 5, 0)
        return self

    def linalg(self, dst, which, a, b, c=0, beta=V1, alpha=V1):
        """which: mm bmm mv dot outer addmm baddbmm (einsum: see einsum)"""
        return self.emit(LINALG, dst, which, a, b, c, beta, alpha)

    def einsum(self, dst, regs, mode, labels):
        """mode: gen_equation's byte; labels: the label (or raw) bytes"""
        return self.emit(LINALG, dst, 7, 0, 0, 0, V1, V1, len(regs), list(regs), mode, list(labels), 0)

    def create2(self, dst, which, a=0, gen=0, dtype=F32, p=V0, q=V1, n=2, extra=()):
        """which: see op_create2; gen odd: a tg_generator; n: COUNTS[] index"""
        return self.emit(CREATE2, dst, which, gen, a, dtype, p, q, n, list(extra))

    def bytes(self):
        return bytes(self.b)


def seeds():
    s = {}

    # ---- creation
    p = P()
    for i, dt in enumerate([F32, F64, I32, I64, BOOL]):
        p.full(i, shape(2, 3), dt, V2)
    p.zeros(5, shape())
    p.empty(6, shape(4), F64, V3)
    p.scalar(7, val(1.5))
    for i in range(8):
        p.inspect(0, i)
    s["create_dtypes"] = p

    p = P()
    for dt in [F16, BF16, C64, C128, BAD9, BADNEG]:
        p.full(0, shape(2), dt)
    for kind in range(8):
        p.full(1, absurd(kind, 0) if kind != 3 else absurd(3, 2), F32)
    p.full(2, absurd(3, 0))
    p.full(3, absurd(3, 1))
    s["create_errors"] = p

    p = P()
    for kind in range(5):
        p.from_pattern(kind, kind, shape(2, 3), seed=0x80 + kind, stride=3)
    p.from_bytes(5, 2, shape(4), [4, 5, 2, 0x85])       # INT64_MAX, INT64_MIN, -1, -59
    p.from_bytes(6, 3, shape(4), [4, 5, 6, 1])          # INT32_MAX, INT32_MIN, 1 << 20, 1
    p.from_bytes(7, 0, shape(2, 2), [VNAN, VINF, VMINF, VNEGZERO])
    for r in range(8):
        p.inspect(0, r)
        p.reduce(0, 0, r)
    s["from_data"] = p

    p = P()
    p.from_pattern(0, 0, shape(0, 3))
    p.from_pattern(1, 1, shape(3), null=True)
    p.from_pattern(2, 2, shape(0), null=True)
    p.from_pattern(3, 0, absurd(4))
    p.from_pattern(4, 1, absurd(5))
    p.from_pattern(5, 2, absurd(3, 1))
    p.from_pattern(6, 3, absurd(6))
    p.from_pattern(7, 4, absurd(7))
    s["from_errors"] = p

    p = P()
    p.arange(0, end(0), 2, 0)                     # arange(0, 5, 1)
    p.arange(1, end(-7), end(7), 2, F64)          # arange(-7, 7, 0.5)
    p.arange(2, 2, 3, 3, I64)                     # arange(5, -3, -1)
    p.arange(3, 0, 1, 5)                          # step 0
    p.arange(4, 0, 2, 6)                          # step NaN
    p.arange(5, 5, 1, 0)                          # start NaN
    p.arange(6, 0, 1, 3)                          # wrong sign
    p.arange(7, 0, 2, 7, I32)                     # step inf
    for r in range(8):
        p.inspect(0, r)
    s["arange"] = p

    p = P()
    p.rand(0, shape(3, 2))
    p.rand(1, shape(2, 2, 2), F64, seed=3, normal=True)
    p.rand(2, shape(3), I64)
    p.rand(3, shape(0, 4), F32, normal=True)
    p.unary(4, 13, 0)
    s["random"] = p

    # ---- elementwise
    p = P()
    p.from_pattern(0, 0, shape(2, 3))
    p.from_pattern(1, 1, shape(3), seed=0x90)
    p.from_pattern(2, 2, shape(2, 1), seed=3)
    p.from_pattern(3, 4, shape(1, 3))
    for which in range(7):
        p.binary(4, which, 0, 1)
        p.binary(5, which, 2, 3)
        p.binary(6, which, 1, 2)
        p.binary(7, which, 3, 3)
    s["binary_broadcast"] = p

    p = P()
    p.full(0, shape(2, 3))
    p.full(1, shape(3, 2))
    p.full(2, shape(0, 3), I64)
    p.scalar(3, V2)
    for which in range(7):
        p.binary(4, which, 0, 1)    # do not broadcast
        p.binary(5, which, 0, 2)    # 0 vs 2
        p.binary(6, which, 2, 3)    # with an empty tensor
        p.binary(7, which, 0, 9)    # register 9 = 1 (valid)
    p.binary(4, 1, 3 | 0, 5)
    p.full(5, shape(2), BOOL)
    p.binary(6, 1, 5, 5)            # bool subtraction
    s["binary_errors"] = p

    p = P()
    p.from_pattern(0, 0, shape(2, 2))
    p.from_pattern(1, 2, shape(3), seed=2)
    p.from_pattern(2, 4, shape(2))
    for which in range(6):
        for value in [V2, VMHALF, VNAN, VBIG, VM2, val(3)]:
            p.scalar_op(3, which, 0, value)
            p.scalar_op(4, which, 1, value)
            p.scalar_op(5, which, 2, value)
    s["scalar_ops"] = p

    p = P()
    p.from_pattern(0, 0, shape(2, 3), seed=0x70)
    p.from_pattern(1, 2, shape(3), seed=0x05)
    p.from_pattern(2, 4, shape(2, 1))
    for which in range(15):
        for src in range(3):
            p.unary(3 + src, which, src)
    for dt in [F32, F64, I32, I64, BOOL, F16, BAD9]:
        p.unary(6, 15, 0, dt)
        p.unary(7, 15, 1, dt)
    s["unary"] = p

    p = P()
    p.from_pattern(0, 4, shape(2, 1), seed=1)
    p.from_pattern(1, 0, shape(3))
    p.from_pattern(2, 2, shape(2, 3), seed=0x40)
    p.where(3, 0, 1, 2)
    p.where(4, 1, 1, 2)   # non-bool condition
    p.where(5, 0, 1, 9)
    p.full(6, shape(4))
    p.where(7, 0, 6, 1)   # does not broadcast
    s["where"] = p

    # ---- reductions
    p = P()
    p.from_pattern(0, 0, shape(2, 3, 4))
    p.from_pattern(1, 2, shape(3, 2), seed=0x03)
    p.from_pattern(2, 4, shape(5))
    p.zeros(3, shape(0, 3))
    for src, nd in [(0, 3), (1, 2), (2, 1), (3, 2)]:
        p.reduce(4, 0, src, nd=nd)
        p.reduce(4, 1, src, nd=nd)
        p.reduce(5, 2, src, dims=(0,), nd=nd, keepdim=True)
        p.reduce(5, 2, src, dims=(-1, 0), nd=nd)
        p.reduce(6, 3, src, dims=(nd - 1,), nd=nd)
        p.reduce(6, 4, src, dims=(0,), nd=nd)
        p.reduce(6, 5, src, dims=(-1,), nd=nd, keepdim=True)
        p.reduce(7, 6, src, nd=nd)
    p.reduce(7, 2, 0, dims=(0, 0), nd=3)          # repeated dim
    p.reduce(7, 2, 0, dims=(3,), nd=3)            # out of range
    p.reduce(7, 2, 0, ndims_byte=0xFF, nd=3)      # ndims -1
    p.reduce(7, 3, 0, ndims_byte=0xFE, nd=3)      # ndims 17
    p.reduce(7, 4, 3, dims=(0,), nd=2)            # max over an empty dim
    s["reduce"] = p

    # ---- views
    p = P()
    p.from_pattern(0, 0, shape(2, 3, 4))
    p.requires_grad(0)
    p.view(1, 0, 0, 3, 4, 3, 0)          # view as (1, 4, 6)
    p.view(2, 1, 0, 2, 5, 0)             # reshape to (1, 24)
    p.view(3, 2, 0, dim(0, 3), dim(2, 3))
    p.view(3, 1, 3, 1, 0)                # reshape a transposed tensor: copies
    p.view(4, 3, 0, 1, 0, 0)             # permute
    p.view(5, 5, 0, dim(1, 3), index(1, 3))
    p.view(6, 6, 0, dim(2, 3), index(1, 4), index(3, 4), 2)
    p.view(7, 7, 0, dim(-1, 4))
    p.view(7, 8, 7, dim(-1, 4))
    p.view(1, 9, 5)                      # t of (2, 4)
    p.view(2, 10, 1, 5)                  # 6 unsqueezes
    for r in range(1, 8):
        p.reduce(0, 0, r)
        p.backward(0)
    p.inspect(8, 0)
    s["views"] = p

    p = P()
    p.full(0, shape(3, 1))
    p.view(1, 4, 0, 1, 2, 4, 5)          # expand (3, 1) -> (2, 3, 5)
    p.view(2, 4, 0, 0, 0, 3)             # -> (3, 3)
    p.view(3, 4, 0, 0xFF)                # 17 sizes
    p.view(4, 4, 0, 0xFE)                # fewer sizes than dims
    p.view(5, 4, 0, 0xE0, 1, 1, 1, 1)    # NULL sizes
    for r in range(1, 6):
        p.inspect(0, r)
        p.unary(6, 11, r)
    s["expand"] = p

    p = P()
    p.full(0, shape(2, 3))
    p.view(1, 2, 0, 0xFF, 0)             # transpose dim INT64_MIN
    p.view(1, 2, 0, 0xFE, 0)             # INT64_MAX
    p.view(1, 5, 0, dim(0, 2), 0xFF)     # select index INT64_MIN
    p.view(1, 5, 0, dim(0, 2), 0xFE)
    p.view(1, 6, 0, 1, 0xFF, 0xFE, 6)    # slice with INT64_MAX step
    p.view(1, 6, 0, 1, 0xFD, 0xFE, 7)    # step 1000
    p.view(1, 6, 0, 1, 0, 5, 4)          # step 0
    p.view(1, 6, 0, 1, 0, 5, 5)          # step -1
    p.view(1, 3, 0, 0, 0x01, 0)          # permute with a repeat
    p.view(1, 3, 0, 0, 0x02)             # too many dims
    p.view(1, 0, 0, 0xFF)                # view with ndim -1
    p.view(1, 0, 0, 0xFE)                # ndim 17
    p.view(1, 0, 0, 2, 2, 0x02)          # wrong count
    p.view(1, 0, 0, 2, 2, 0x06)          # two inferred
    p.view(1, 10, 0, 15)                 # 16 unsqueezes: past the rank limit
    p.scalar(2, V1)
    p.view(3, 5, 2, 0, 0)                # select on a 0-dim tensor
    p.view(3, 6, 2, 0, 0, 0, 0)
    p.view(3, 9, 2)
    p.view(3, 8, 2, dim(0, 0))
    s["view_errors"] = p

    # ---- matmul
    p = P()
    p.from_pattern(0, 0, shape(3))
    p.from_pattern(1, 0, shape(3, 2))
    p.from_pattern(2, 0, shape(2, 3, 4), seed=0x99)
    p.from_pattern(3, 0, shape(4, 2))
    p.from_pattern(4, 0, shape(2, 1, 3, 2))
    for a, b in [(0, 0), (0, 1), (1, 3), (2, 3), (3, 2), (2, 0), (4, 1), (4, 2), (0, 2), (1, 1)]:
        p.matmul(5, a, b)
        p.inspect(0, 5)
    p.from_pattern(6, 2, shape(3, 3))
    p.matmul(7, 6, 6)                    # integers
    p.matmul(7, 6, 1)                    # mixed dtypes
    p.scalar(7, V1)
    p.matmul(7, 7, 0)                    # 0-dim
    s["matmul"] = p

    p = P()
    p.from_pattern(0, 1, shape(2, 3))
    p.from_pattern(1, 1, shape(3, 2))
    p.requires_grad(0)
    p.requires_grad(1)
    p.matmul(2, 0, 1)
    p.reduce(3, 0, 2)
    p.backward(3, create=True)
    p.grad(4, 0)
    p.reduce(5, 0, 4)
    p.backward(5)
    p.inspect(8, 0)
    p.inspect(8, 1)
    s["matmul_grad"] = p

    # ---- losses
    p = P()
    p.from_pattern(0, 0, shape(2, 3))
    p.rand(1, shape(2, 3))
    p.requires_grad(0)
    p.loss(2, False, 0, 1)
    p.loss(3, True, 0, 1)
    p.from_pattern(4, 0, shape(3))
    p.loss(5, True, 0, 4)                # broadcast target
    p.loss(6, False, 0, 4)               # shape mismatch
    p.from_pattern(7, 2, shape(2, 3))
    p.loss(6, False, 0, 7)               # integer target
    p.binary(7, 0, 2, 3)
    p.binary(7, 0, 7, 5)
    p.backward(7)
    p.inspect(8, 0)
    s["losses"] = p

    # ---- in place
    p = P()
    p.from_pattern(0, 0, shape(2, 3))
    p.from_pattern(1, 0, shape(3), seed=0x88)
    p.from_pattern(2, 2, shape(2, 3))
    for which in range(7):
        p.inplace(which, 0, 1)
        p.inplace(which, 2, 1)           # float into int: fails
        p.inplace(which, 1, 0)           # does not fit
    for which in range(7, 13):
        p.inplace(which, 0, V2)
        p.inplace(which, 2, VHALF)
    p.inplace(13, 0)
    p.inplace(14, 2, V3)
    p.inplace(15, 0, 2)
    p.inplace(15, 1, 0)
    p.inplace(0, 9, 0)                   # NULL target
    s["inplace"] = p

    p = P()
    p.from_pattern(0, 0, shape(3))
    p.requires_grad(0)
    p.inplace(0, 0, 0)                   # a leaf that requires grad: fails
    p.view(1, 5, 0, dim(0, 1), index(1, 3))
    p.inplace(7, 1, V1)                  # a view of such a leaf: fails
    p.no_grad(2)
    p.inplace(8, 0, V2)                  # allowed under no_grad
    p.inplace(14, 1, V3)
    p.scalar_op(2, 2, 0, V2)
    p.inplace(9, 2, V2)                  # on a non-leaf
    p.unary(3, 1, 2)
    p.inplace(2, 3, 0)                   # exp saved its output: backward fails
    p.reduce(4, 0, 3)
    p.backward(4)
    p.unary(5, 7, 0)
    p.inplace(4, 5, 5)
    p.reduce(6, 0, 5)
    p.backward(6, retain=True)
    p.backward(6)
    p.backward(6)                        # twice: fails
    p.inspect(8, 0)
    s["inplace_autograd"] = p

    p = P()
    p.from_pattern(0, 1, shape(2, 2))
    p.requires_grad(0)
    p.full(1, shape(2, 2), F64, V2)
    p.inplace(2, 1, 0)                   # c.mul_(x), only x requires grad
    p.inplace(15, 1, 0)
    p.unary(2, 14, 0)                    # data
    p.inplace(7, 2, V1)
    p.unary(3, 13, 0)                    # detach
    p.inplace(8, 3, V2)
    p.reduce(4, 0, 1)
    p.backward(4)
    p.inspect(7, 0, 0)
    p.inspect(8, 0)
    s["inplace_graph"] = p

    # ---- autograd
    p = P()
    p.from_pattern(0, 0, shape(2, 2))
    p.requires_grad(0)
    p.scalar_op(1, 0, 0, V2)
    p.binary(2, 2, 1, 1)
    p.scalar_op(2, 2, 2, V3)
    p.reduce(3, 1, 2)
    p.inspect(0, 3)
    p.inspect(6, 3, 1)
    p.inspect(1, 3)
    p.backward(3)
    p.inspect(8, 0)
    p.grad(4, 0)
    p.inspect(0, 4)
    s["tour"] = p

    p = P()
    p.from_pattern(0, 1, shape(3))
    p.requires_grad(0)
    p.unary(1, 5, 0)
    p.binary(2, 2, 1, 0)
    p.reduce(3, 0, 2)
    p.backward(3, create=True, retain=True)
    p.grad(4, 0)
    p.reduce(5, 0, 4)
    p.backward(5, create=True)
    p.grad(6, 0)
    p.backward(3)                        # retained, accumulates
    p.zero_grad(0)
    p.backward(3)
    p.inspect(8, 0)
    s["higher_order"] = p

    p = P()
    p.from_pattern(0, 1, shape(2, 3))
    p.from_pattern(1, 1, shape(3), seed=3)
    p.requires_grad(0)
    p.requires_grad(1)
    p.binary(2, 2, 0, 1)
    p.unary(3, 7, 2)
    p.reduce(4, 0, 3)
    p.autograd_grad([4], [0, 1], retain=True, create=True)
    p.autograd_grad([3], [0], gos=[2])
    p.autograd_grad([4, 3], [1, 1], gos=[None, 2], retain=True)
    p.autograd_grad([4], [0], null_outputs=True)
    p.autograd_grad([4], [0], null_grads_out=True)
    p.autograd_grad([], [0])
    p.autograd_grad([4], [])
    p.autograd_grad([3], [0])            # not scalar, no grad_output
    p.autograd_grad([4], [2])            # a non-leaf input
    p.full(7, shape(2))
    p.autograd_grad([4], [7])            # does not require grad
    s["autograd_grad"] = p

    p = P()
    p.from_pattern(0, 0, shape(3))
    p.requires_grad(0)
    p.unary(1, 2, 0)
    p.reduce(2, 0, 1)
    p.full(3, shape(2))
    p.backward(1)                        # not a scalar
    p.backward(1, grad=3)                # wrong shape
    p.backward(3)                        # does not require grad
    p.backward(9)                        # NULL
    p.full(4, shape(3))
    p.backward(1, grad=4)
    p.backward(2)
    p.backward(2)                        # freed graph
    p.requires_grad(1)                   # a non-leaf
    p.requires_grad(1, False)
    p.full(5, shape(2), I64)
    p.requires_grad(5)                   # integer
    s["backward_errors"] = p

    p = P()
    p.from_pattern(0, 0, shape(2))
    p.requires_grad(0)
    p.set_grad_enabled(False)
    p.scalar_op(1, 2, 0, V2)
    p.set_grad_enabled(True)
    p.no_grad(3)
    p.scalar_op(2, 2, 0, V2)
    p.set_grad_enabled(True)
    p.scalar_op(3, 0, 0, V1)
    p.scalar_op(4, 0, 0, V1)
    p.inspect(7, 1, 0)
    p.inspect(7, 2, 0)
    p.inspect(7, 4, 0)
    p.no_grad(2)
    p.no_grad(2)
    p.reduce(5, 0, 4)
    p.backward(5)
    s["grad_mode"] = p

    # ---- scopes and references
    p = P()
    p.scope_begin()
    p.full(reg(0, True), shape(2))
    p.full(reg(1, True), shape(2))
    p.scope_begin()
    p.binary(reg(2, True), 0, 0, 1)
    p.keep(2)
    p.binary(reg(3, True), 2, 2, 2)
    p.retain(3)
    p.scope_end()
    p.inspect(0, 2)
    p.inspect(0, 3)
    p.release()
    p.release()
    p.scope_end()
    p.scope_end()
    p.keep(0)
    p.retain(9)
    s["scopes"] = p

    p = P()
    p.from_pattern(0, 0, shape(3))
    p.requires_grad(0)
    p.scope_begin()
    p.scalar_op(reg(1, True), 2, 0, V3)
    p.unary(reg(2, True), 7, 1)
    p.reduce(reg(3, True), 0, 2)
    p.scope_end()                        # the graph outlives its scope
    p.move(4, 0)
    p.clear(0)
    p.inspect(8, 4)
    s["scope_graph"] = p

    # ---- inspection
    p = P()
    p.from_pattern(0, 0, shape(2, 2))
    p.requires_grad(0)
    p.binary(1, 2, 0, 0)
    p.reduce(2, 0, 1)
    for what in range(9):
        for r in [0, 1, 2, 7]:
            p.inspect(what, r, 3)
    p.inspect(2, 2, 0)                   # a 1-byte buffer
    p.inspect(5, 2, 1)                   # NULL out
    s["inspect"] = p

    # ---- gradcheck
    p = P()
    p.from_pattern(0, 1, shape(2, 2), seed=0x86)
    p.from_pattern(1, 1, shape(2, 2), seed=0x8B)
    for fn in range(12):
        p.gradcheck(fn, 0, 1, two=(fn % 2 == 0), second=(fn < 4))
    p.gradcheck(0, 0, prepare=False)     # not a leaf that requires grad
    p.emit(GRADCHECK, 0x1A, 0, 0, 1)     # eps -1
    s["gradcheck"] = p

    # ---- fault injection (TG_FAULT_INJECTION builds)
    for n in [0, 1, 2, 3, 5, 8, 13]:
        p = P()
        p.from_pattern(0, 0, shape(2, 3))
        p.requires_grad(0)
        p.fail_alloc(n)
        p.binary(1, 2, 0, 0)
        p.unary(2, 7, 1)
        p.reduce(3, 0, 2)
        p.backward(3, create=True)
        p.inspect(0, 0)
        s["fault_%02d" % n] = p

    # ---- the operations added later
    p = P()
    p.from_pattern(0, 1, shape(2, 3), seed=0x70, stride=9)
    p.unary2(1, 0, 0)
    for w in (4, 18, 24, 28, 33):
        p.unary2(2, w, 0)
    p.unary2(1, 0, 1, inplace=True)
    p.unary2(3, 48, 0, (V1, V2, V0))
    p.unary2(3, 53, 0, (VM1, V1, V0))
    p.unary2(3, 56, 0, (V0, V100, VMBIG))
    p.unary2(1, 52, 1, (VM1, V1, V0), inplace=True)
    p.requires_grad(0)
    p.unary2(4, 26, 0)
    p.reduce(5, 0, 4)
    p.backward(5)
    s["unary2"] = p

    p = P()
    p.from_pattern(0, 0, shape(2, 3), seed=0x70, stride=9)
    p.from_pattern(1, 0, shape(3), seed=0x83, stride=3)
    p.from_pattern(2, 4, shape(2, 3), seed=1, stride=1)
    for w in (0, 4, 6, 9, 11, 13):
        p.binary2(3, w, 0, 1)
    p.binary2(3, 14, 0, 1, 1)
    p.binary2(3, 16, 0, 1, 0, VHALF)
    p.binary2(3, 18, 0, 2, 0, V3)
    p.binary2(3, 19, 0, 1, 0, VNAN, inplace=True)
    p.binary2(3, 10, 0, 1, inplace=True)
    s["binary2"] = p

    p = P()
    p.from_pattern(0, 1, shape(3, 4), seed=0x70, stride=9)
    p.requires_grad(0)
    for w, dims in ((0, ()), (2, (1,)), (3, (0, 1)), (5, (1,)), (14, (0,)), (15, (1,)), (19, (1,)),
                    (21, (0,)), (22, (1,)), (23, (0,))):
        p.reduce2(1, w, 0, dims, flags=1)
    p.reduce2(1, 20, 0, (1,), value=V3)
    p.reduce2(2, 24, 0, (1,), flags=2)
    p.reduce2(2, 26, 0, (1,), flags=0x40 | 6)
    p.reduce2(4, 17, 0, (0,))
    p.binary(6, 0, 4, 5)
    p.reduce(7, 0, 6)
    p.backward(7)
    s["reduce2"] = p

    p = P()
    p.from_pattern(0, 1, shape(2, 3), seed=0x70, stride=9)
    p.from_pattern(1, 1, shape(2, 3), seed=0x81, stride=3)
    p.shape_op(2, 0, 0, 2, 1, 0, dim(1, 2))          # cat [0, 1, 0] dim 1
    p.shape_op(2, 1, 0, 1, 1, dim(0, 3))             # stack [0, 1] dim 0
    p.shape_op(3, 2, 2, 8, dim(1, 3), index(1, 2))   # split into pieces of 1
    p.shape_op(4, 4, 0, 8, dim(0, 2), 0)             # unbind
    p.shape_op(5, 5, 2, dim(0, 3), dim(-1, 3))       # flatten
    p.shape_op(5, 8, 0, dim(1, 2), index(1, 3), index(2, 3))   # narrow
    p.shape_op(5, 9, 0, 2, 1, 3)                     # repeat (2, 3)
    p.shape_op(5, 11, 0, 1, dim(1, 2), 0, 0, 0)      # flip
    p.shape_op(5, 12, 0, 1, dim(1, 2), 0, 0, 0, index(1, 3), 0, 0, 0, 0)   # roll
    p.shape_op(5, 13, 0, index(0, 3))                # tril
    p.shape_op(5, 17, 0, index(0, 3), dim(0, 2), dim(1, 2))   # diagonal
    p.shape_op(5, 18, 1, index(1, 3), dim(-2, 3), dim(-1, 3))   # diag_embed
    p.shape_op(5, 19, 2, dim(0, 3), dim(2, 3))       # movedim
    p.shape_op(5, 21, 5, dim(0, 2), dim(1, 2))       # transpose_
    p.shape_op(5, 24, 5, dim(0, 3))                  # unsqueeze_
    s["shape"] = p

    p = P()
    p.from_pattern(0, 1, shape(3, 4), seed=0x70, stride=9)
    p.from_pattern(1, 2, shape(2, 4), seed=0x81, stride=5)
    p.from_pattern(2, 1, shape(2, 4), seed=0x90, stride=3)
    p.requires_grad(0)
    p.index_op(3, 1, 0, 2, dim(0, 2), 3 | 8, 1)     # gather, indices in range
    p.index_op(3, 2, 0, 2, dim(0, 2), 3 | 8, 1)     # scatter
    p.index_op(3, 3, 0, 2, dim(0, 2), 1, 1)         # scatter_add, out of range
    p.index_op(3, 0, 0, 2, dim(1, 2), 0, 1)         # index_select, 2-D index
    p.index_op(3, 5, 0, 2, dim(1, 2), 3 | 8, 1)     # take_along_dim
    p.index_op(3, 6, 0, 0, dim(0, 2), 0, 0, V0)     # masked_select
    p.reduce(4, 0, 3)
    p.backward(4)
    p.from_pattern(5, 1, shape(3, 4))
    p.index_op(6, 7, 5, 2, dim(0, 2), 3 | 8, 1)     # scatter_
    s["index"] = p

    p = P()
    p.from_pattern(0, 1, shape(3, 4), seed=0x70, stride=9)
    p.from_pattern(1, 2, shape(2), seed=0x81, stride=5)
    p.from_pattern(2, 1, shape(2, 4), seed=0x90, stride=3)
    p.requires_grad(0)
    p.advanced_index(3, 0, 0, 2, [("t", 13, 1)])                      # x[idx]
    p.advanced_index(3, 0, 0, 2, [("s", 0, None, 1), ("t", 13, 1)])   # x[:, idx]
    p.advanced_index(3, 0, 0, 2, [("n",), ("i", -1), ("e",)])            # x[None, -1, ...]
    p.advanced_index(3, 0, 0, 2, [("t", 1, 1), ("s", 1, 3, 0)])          # step 0, out of range
    p.advanced_index(4, 1, 0, 2, [("t", 13, 1)], accumulate=True)     # index_put
    p.reduce(5, 0, 4)
    p.backward(5)
    p.from_pattern(6, 1, shape(3, 4))
    p.advanced_index(6, 2, 6, 2, [("t", 13, 1)])                      # index_put_
    s["advanced_index"] = p

    p = P()
    p.from_pattern(0, 1, shape(2, 3), seed=0x70, stride=9)
    p.from_pattern(1, 1, shape(3, 4), seed=0x81, stride=3)
    p.from_pattern(2, 1, shape(3), seed=0x90, stride=5)
    p.requires_grad(0)
    p.linalg(3, 0, 0, 1)
    p.linalg(3, 2, 0, 2)
    p.linalg(3, 3, 2, 2)
    p.linalg(3, 4, 2, 2)
    p.linalg(3, 5, 0, 1, 2, VHALF, V2)
    p.einsum(4, (0, 1), 1 | (2 << 1), (0, 1, 1, 2, 0, 2))   # ab,bc->ac
    p.einsum(4, (0,), 0x20 | 1, (0,))                       # ...a->...
    p.einsum(4, (0, 1), 0xC0, (4, 0, 8, 1, 9))              # "a,b-": malformed
    p.reduce(5, 0, 3)
    p.backward(5)
    s["linalg"] = p

    p = P()
    p.from_pattern(0, 1, shape(2, 3), seed=0x70, stride=9)
    for w in (0, 2, 3, 4):
        p.create2(1, w, 0)
    p.create2(1, 6, dtype=F64, n=2)
    p.create2(1, 7, p=V0, q=V1, n=3)
    p.create2(1, 8, p=V0, q=V2, n=3, extra=(V2,))
    p.create2(1, 10, gen=3, extra=(shape(2, 2), index(0, 3), index(3, 3)))
    p.create2(1, 11, gen=5, n=1)
    p.unary2(2, 45, 0)                                     # sigmoid, as weights
    p.create2(1, 13, a=2, gen=7, n=2)
    p.create2(1, 12, a=2, gen=2)
    p.create2(1, 14, a=0, gen=1, p=VM1, q=V1)
    p.create2(1, 16, gen=9, dtype=F64, extra=(shape(3),))
    s["create2"] = p

    # ---- a mixed program, for the mutator to cut and splice
    p = P()
    p.rand(0, shape(3, 4), F64, seed=1)
    p.rand(1, shape(4), F64, seed=2)
    p.requires_grad(0)
    p.requires_grad(1)
    p.matmul(2, 0, 1)
    p.unary(3, 9, 2)
    p.view(4, 7, 3, dim(0, 2))
    p.binary(5, 3, 4, 4)
    p.reduce(6, 3, 5, dims=(1,), nd=2)
    p.loss(7, True, 6, 6)
    p.backward(7, create=True, retain=True)
    p.grad(2, 0)
    p.reduce(3, 6, 2)
    p.autograd_grad([3], [1])
    p.inspect(1, 3)
    s["mixed"] = p

    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "corpus")
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for name, prog in sorted(seeds().items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(prog.bytes())
    print("%d seeds in %s" % (len(seeds()), out), file=sys.stderr)


if __name__ == "__main__":
    main()
