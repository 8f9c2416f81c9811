// The per-op chain of bench_ops.c in libtorch's C++ API (PyTorch's own
// engine without Python), one thread: 1000 ops on 4 floats cycling through
// mul, add, tanh, sub and sigmoid, then backward. Prints
// "libtorch.chain_fwdbwd microseconds" (the best of several runs).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>

static double chain_us(const at::Tensor &x, const at::Tensor &b, int iters)
{
    auto start = std::chrono::steady_clock::now();
    for (int it = 0; it < iters; it++) {
        at::Tensor y = x;
        for (int i = 0; i < 1000; i++) {
            switch (i % 5) {
            case 0: y = y * b; break;
            case 1: y = y + b; break;
            case 2: y = at::tanh(y); break;
            case 3: y = y - 0.5; break;
            default: y = at::sigmoid(y); break;
            }
        }
        y.sum().backward();
        x.mutable_grad().reset();
    }
    std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / iters;
}

int main()
{
    at::set_num_threads(1);
    at::manual_seed(0);
    at::Tensor x = (at::randn({4}) * 0.05).set_requires_grad(true);
    at::Tensor b = at::rand({4});
    double best = 1e300;
    for (int r = 0; r < 5; r++) {
        double us = chain_us(x, b, 20);
        if (us < best) best = us;
    }
    std::printf("libtorch.chain_fwdbwd %.3f\n", best);
    return 0;
}
