"""Oracle for tests/test_print.c: prints "== <label>" and then print(t) for
each case, in the same order and with the same labels as the C program, so
that `diff` of the two outputs decides. Run with an interpreter that has
PyTorch 1.13 (here /usr/bin/python3). No randomness anywhere."""
import math

import torch

nan, inf = math.nan, math.inf
f64 = torch.float64


def leaf(t):
    return t.requires_grad_()


def cases():
    # 0-dim
    yield "scalar 3.5", torch.tensor(3.5)
    yield "scalar 3.", torch.tensor(3.0)
    yield "scalar 0.", torch.tensor(0.0)
    yield "scalar 1e-5", torch.tensor(1e-5)
    yield "scalar -0.", torch.tensor(-0.0)
    yield "scalar nan", torch.tensor(nan)
    yield "scalar -inf", torch.tensor(-inf)
    yield "scalar int64", torch.tensor(7)
    yield "scalar int64 negative", torch.tensor(-123)
    yield "scalar int32", torch.tensor(5, dtype=torch.int32)
    yield "scalar bool", torch.tensor(True)
    yield "scalar float64", torch.tensor(2.5, dtype=f64)

    # 1-D floats: mode and width decisions
    yield "f32 mixed", torch.tensor([1.5, 2.25, -3.125])
    yield "f32 1.5 nan", torch.tensor([1.5, nan])
    yield "f32 nonfinite ints", torch.tensor([1.0, inf, -inf, nan])
    yield "f32 -inf 2.5", torch.tensor([-inf, 2.5])
    yield "f32 100 200.5", torch.tensor([100.0, 200.5])
    yield "f32 -1e-5 2", torch.tensor([-1e-5, 2.0])
    yield "f32 1e-5 nan 1", torch.tensor([1e-5, nan, 1.0])
    yield "f32 1 1000", torch.tensor([1.0, 1000.0])
    yield "f32 1 1001", torch.tensor([1.0, 1001.0])
    yield "f32 1 10000", torch.tensor([1.0, 10000.0])
    yield "f32 1e8", torch.tensor([1e8])
    yield "f32 -1e8 1e8", torch.tensor([-1e8, 1e8])
    yield "f32 1e9", torch.tensor([1e9])
    yield "f32 1e-4 0.01", torch.tensor([1e-4, 0.01])
    yield "f32 1 2 3", torch.tensor([1.0, 2.0, 3.0])
    yield "f32 zeros", torch.tensor([0.0, 0.0, 0.0])
    yield "f32 -0 1", torch.tensor([-0.0, 1.0])
    yield "f32 0 nan", torch.tensor([0.0, nan])
    yield "f32 inf only", torch.tensor([inf])
    yield "f32 negative nan", torch.tensor([-nan, 1.5])
    yield "f32 0 100.5", torch.tensor([0.0, 100.5])
    yield "f32 123456.789", torch.tensor([123456.789])
    yield "f32 -1e10 1", torch.tensor([-1e10, 1.0])
    yield "f32 thirds", torch.tensor([1 / 3, 2 / 3, -1 / 3])
    yield "f64 1e7+0.5", torch.tensor([1e7 + 0.5], dtype=f64)
    yield "f64 1e300 1e-300", torch.tensor([1e300, -1e-300], dtype=f64)
    yield "f64 1.5 2", torch.tensor([1.5, 2.0], dtype=f64)

    # 1-D integers and bools
    yield "i64 1 -20 300", torch.tensor([1, -20, 300])
    yield "i64 big", torch.tensor([2**62 + 1, -(2**63)])
    yield "i32 1 2", torch.tensor([1, 2], dtype=torch.int32)
    yield "i32 2-D", torch.arange(12, dtype=torch.int32).reshape(3, 4) - 5
    yield "bool true false", torch.tensor([True, False])
    yield "bool 2-D", torch.tensor([[True, False, True], [False, False, True]])
    yield "bool summarized", torch.zeros(1001, dtype=torch.bool)

    # empty tensors
    yield "empty (0,3)", torch.zeros(0, 3)
    yield "empty (0,)", torch.zeros(0)
    yield "empty int64", torch.zeros(0, dtype=torch.int64)
    yield "empty (2,0)", torch.zeros(2, 0)
    yield "empty f64 (2,0,3)", torch.zeros(2, 0, 3, dtype=f64)
    yield "empty bool", torch.zeros(0, dtype=torch.bool)
    yield "empty i32 (0,1)", torch.zeros(0, 1, dtype=torch.int32)

    # long rows and summarization
    yield "arange 1000.", torch.arange(1000.0)
    yield "arange 1001.", torch.arange(1001.0)
    yield "arange 2000.", torch.arange(2000.0)
    yield "arange 1..2000", torch.arange(1.0, 2001.0)
    yield "summary excludes middle", torch.cat([torch.ones(3), torch.full((995,), 1e6), torch.ones(3)])
    yield "ones 3x1000", torch.ones(3, 1000)
    yield "ones 6x200", torch.ones(6, 200)
    yield "ones 7x200", torch.ones(7, 200)
    yield "arange 1200 as 40x30", torch.arange(1200.0).reshape(40, 30)
    yield "arange 2000 as 10x10x20", torch.arange(2000).reshape(10, 10, 20)
    yield "arange 1001 as 1001x1", torch.arange(1001.0).reshape(1001, 1)
    yield "arange 4096 as 8x8x8x8", torch.arange(4096.0).reshape(8, 8, 8, 8)
    yield "i64 arange 1001", torch.arange(1001)

    # nesting and line wrapping
    yield "3-D 2x2x2", torch.arange(8.0).reshape(2, 2, 2)
    yield "4-D 2x3x2x2 quarters", torch.arange(24.0).reshape(2, 3, 2, 2) / 4
    yield "4-D i64", torch.arange(24).reshape(2, 3, 2, 2)
    yield "1x1x1", torch.zeros(1, 1, 1)
    yield "arange 30 / 7", torch.arange(30.0) / 7
    yield "2x20 / 3 wraps rows", torch.arange(40.0).reshape(2, 20) / 3
    yield "f64 2-D", torch.arange(6.0, dtype=f64).reshape(2, 3) / 3
    yield "f32 2x3 thirds", torch.arange(6.0).reshape(2, 3) / 3

    # strides and offsets
    yield "transpose 3x4", torch.arange(12.0).reshape(3, 4).t()
    yield "transpose 3-D 0,2", torch.arange(24.0).reshape(2, 3, 4).transpose(0, 2)
    yield "slice [1:, ::2]", torch.arange(20.0).reshape(4, 5)[1:, ::2]
    yield "select row 2", torch.arange(20).reshape(4, 5)[2]
    yield "expand 3x4", torch.arange(4.0).expand(3, 4)
    yield "transpose 40x30 summarized", torch.arange(1200.0).reshape(40, 30).t()

    # autograd suffixes
    yield "leaf 1.5 f64", leaf(torch.tensor(1.5, dtype=f64))
    yield "leaf short", leaf(torch.tensor([1.0, 2.0]))
    yield "leaf ones 12 fits", leaf(torch.ones(12))
    yield "leaf ones 13 wraps by quirk", leaf(torch.ones(13))
    yield "leaf arange 12 wraps", leaf(torch.arange(12.0))
    yield "leaf arange 40 rows", leaf(torch.arange(40.0))
    yield "leaf 2-D", leaf(torch.ones(2, 3))
    x = torch.arange(9.0, requires_grad=True)
    yield "div grad_fn wraps", x / 3
    x64 = torch.arange(8.0, dtype=f64, requires_grad=True)
    yield "div f64 two suffixes wrap", x64 / 3
    x2 = torch.ones(2, 2, requires_grad=True)
    yield "mul 2-D grad_fn", x2 * 2
    yield "sum grad_fn", torch.arange(9.0, requires_grad=True).sum()
    yield "view grad_fn", torch.ones(4, requires_grad=True).reshape(2, 2)
    yield "to f64 grad_fn", torch.arange(3.0, requires_grad=True).to(f64)


def main():
    for label, t in cases():
        print("==", label)
        print(t)
    # test_print.c's half passes: every floating case converted to float16,
    # then to bfloat16
    for half in (torch.float16, torch.bfloat16):
        for label, t in cases():
            if t.dtype in (torch.float32, f64):
                print("==", label, "as", half)
                print(t.to(half))
    print("== NULL")
    print(None)


if __name__ == "__main__":
    main()
