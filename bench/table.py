"""Turns the "key value" lines of bench/run.sh's programs into issue 10's
table (markdown): workload, tensorgrad's figure, the baseline's, the
ratio, the goal and whether it is met. A key measured more than once (the
rounds of run.sh) counts with its best (lowest) value. Keys: tg.* is
tensorgrad, c.* a C baseline in bench_ops's process, hand.* mlp_hand,
libtorch.* chain_libtorch, torchN.* PyTorch at N threads; times are in
microseconds, *.rss in MiB, *.faults minor page faults per step.

    python3 bench/table.py RESULTS_FILE
"""
import sys

TORCH_THREADS = (1, 2)
BINARY = ("add", "mul")
TRANSCENDENTAL = ("exp", "tanh", "sigmoid", "gelu")
OPS = BINARY + TRANSCENDENTAL + ("sum", "amax", "argmax", "softmax", "layer_norm")
# f32 arrays of the op's size each op reads and writes at least
ARRAYS_MOVED = {"add": 3, "mul": 3, "sum": 1, "amax": 1, "argmax": 1}
SIZES = {"16M": 16 << 20, "64K": 64 << 10, "1K": 1 << 10}


def read(path):
    values, env, notes = {}, [], []
    with open(path) as lines:
        for line in lines:
            key, _, value = line.strip().partition(" ")
            if key == "note":
                notes.append(value)
            elif key.startswith("env."):
                env.append((key[4:], value))
            elif key:
                try:
                    values[key] = min(values.get(key, float("inf")), float(value))
                except ValueError:
                    notes.append("unreadable line: " + line.strip())
    return values, env, notes


def time_text(us):
    if us >= 1e6:
        return "%.2f s" % (us / 1e6)
    if us >= 1e3:
        return "%.2f ms" % (us / 1e3)
    return "%.2f µs" % us if us >= 1 else "%.0f ns" % (us * 1e3)


class Table:
    def __init__(self, values):
        self.values, self.rows = values, []

    def row(self, workload, tg, base, ratio, goal, met):
        self.rows.append((workload, tg, base, ratio, goal, met))

    def missing(self, workload, what):
        self.row(workload, "", "", "", "", "not measured: %s (see the notes)" % what)

    def torch_best(self, key, forms=("",)):
        """PyTorch's fastest figure over its thread settings (and forms,
        e.g. allocating and out=), with a label saying which it was."""
        found = []
        for threads in TORCH_THREADS:
            for form in forms:
                name, _, size = key.partition(".")
                full = "torch%d.%s%s" % (threads, name + form, "." + size if size else "")
                if full in self.values:
                    label = "%d thr%s" % (threads, ", out=" if form == "_out" else "")
                    found.append((self.values[full], label))
        return min(found) if found else None

    def ratio_row(self, workload, tg_key, base, goal_text, goal, scale=1.0, unit=time_text):
        """tensorgrad's time against a baseline's (value, label), ratio
        tg / baseline, met when at most goal (None: no goal)."""
        tg = self.values.get(tg_key)
        if tg is None or base is None:
            self.missing(workload, "tensorgrad" if tg is None else "baseline")
            return
        ratio = tg / base[0]
        met = "" if goal is None else ("yes" if ratio <= goal else "no")
        self.row(workload, unit(tg * scale), "%s (%s)" % (unit(base[0] * scale), base[1]), "%.3g" % ratio,
                 goal_text, met)


def per_op(t, v):
    each = 1e-3  # the chain's time over its 1000 ops
    t.ratio_row("per-op chain, 1000 ops, 4 f32, fwd+bwd, per op", "tg.chain_fwdbwd",
                (v["torch1.chain_fwdbwd"], "PyTorch 1 thr") if "torch1.chain_fwdbwd" in v else None,
                "≤ 1/25 (0.04)", 0.04, each)
    t.ratio_row("the same vs libtorch C++", "tg.chain_fwdbwd",
                (v["libtorch.chain_fwdbwd"], "libtorch 1 thr") if "libtorch.chain_fwdbwd" in v else None,
                "≤ 1/25 (0.04)", 0.04, each)
    t.ratio_row("the same chain, no-grad forward, per op", "tg.chain_nograd",
                (v["c.chain_nograd"], "hand C loop") if "c.chain_nograd" in v else None, "≤ 20", 20, each)


def bandwidth(t, v):
    n = SIZES["16M"]
    triad, copy = v.get("c.triad.16M"), v.get("c.memcpy.16M")
    if triad is None:
        t.missing("16M bandwidth", "c.triad.16M")
        return
    gbs = lambda arrays, us: arrays * n * 4 / us / 1e3
    if copy is not None:
        t.row("memcpy and STREAM triad on 16M f32, this process", "",
              "memcpy %.1f GB/s, triad %.1f GB/s" % (gbs(2, copy), gbs(3, triad)), "", "", "")
    for op in OPS:
        key = "tg.%s.16M" % op
        if key not in v:
            t.missing("%s 16M f32 bandwidth" % op, key)
            continue
        ratio = gbs(ARRAYS_MOVED.get(op, 2), v[key]) / gbs(3, triad)
        goal = 0.9 if op in BINARY else 0.8 if op in TRANSCENDENTAL else None
        t.row("%s 16M f32, result allocated in a scope, bandwidth" % op,
              "%.1f GB/s" % gbs(ARRAYS_MOVED.get(op, 2), v[key]), "%.1f GB/s (triad)" % gbs(3, triad),
              "%.3g" % ratio, "≥ %.1f" % goal if goal else "", "" if goal is None else "yes" if ratio >= goal else "no")


def against_torch(t, size, goal_text, goal):
    for op in OPS:
        key = "%s.%s" % (op, size)
        t.ratio_row("%s %s f32 vs PyTorch (its fastest: allocating or out=)" % (op, size), "tg." + key,
                    t.torch_best(key, ("", "_out")), goal_text, goal)


def gemm(t, v):
    shapes = {"matmul1024_fwd": (2 * 1024 ** 3, "matmul 1024³ forward"),
              "matmul1024_fwdbwd": (3 * 2 * 1024 ** 3, "matmul 1024³ forward + both gradients"),
              "bmm16x256_fwdbwd": (16 * 3 * 2 * 256 ** 3, "batched matmul 16×256³ forward + both gradients")}
    for key, (flops, workload) in shapes.items():
        tg, blas = v.get("tg." + key), v.get("c." + key)
        if tg is None or blas is None:
            t.missing(workload, "tg." + key if tg is None else "c." + key + " (CBLAS)")
            continue
        ratio = blas / tg
        t.row(workload, "%.1f GFLOP/s" % (flops / tg / 1e3), "%.1f GFLOP/s (cblas_sgemm)" % (flops / blas / 1e3),
              "%.3g" % ratio, "≥ 0.95", "yes" if ratio >= 0.95 else "no")


def models(t, v):
    t.ratio_row("conv2d 3×3, 64→64 ch, 56×56, batch 8, fwd+bwd", "tg.conv_fwdbwd", t.torch_best("conv_fwdbwd"),
                "≤ 0.9", 0.9)
    for batch in (128, 8):
        name = "mlp_b%d" % batch
        workload = "MLP 784-512-512-10 SGD step, batch %d" % batch
        hand = "hand.%s.step" % name
        t.ratio_row(workload + " vs hand C", "tg.%s.step" % name,
                    (v[hand], "hand C + CBLAS") if hand in v else None, "≤ 1.1", 1.1)
        t.ratio_row(workload + " vs PyTorch", "tg.%s.step" % name, t.torch_best(name + ".step"), "", None)
    t.ratio_row("GPT small (512 vocab, 4 layers, 4 heads, 128 ch, ctx 64, batch 4) AdamW step", "tg.gpt_small.step",
                t.torch_best("gpt_small.step"), "≤ 0.8", 0.8)
    t.ratio_row("GPT medium (8192, 8, 8, 512, 128, 4) AdamW step", "tg.gpt_medium.step",
                t.torch_best("gpt_medium.step"), "≤ 0.8", 0.8)
    mib = lambda x: "%.0f MiB" % x
    for name in ("mlp_b128", "mlp_b8", "gpt_small", "gpt_medium"):
        t.ratio_row("peak RSS of the %s process" % name, "tg.%s.rss" % name, t.torch_best(name + ".rss"),
                    "≤ 1/3 (0.33)", 1 / 3, unit=mib)
    for name in ("mlp_b128", "mlp_b8", "gpt_small", "gpt_medium"):
        tg, base = v.get("tg.%s.faults" % name), t.torch_best(name + ".faults")
        if tg is None:
            t.missing("page faults per step, %s" % name, "tensorgrad")
            continue
        t.row("minor page faults per step after warm-up, %s" % name, "%.1f" % tg,
              "%.1f (%s)" % base if base else "", "", "0 (< 1)", "yes" if tg < 1 else "no")


def capture(t, v):
    for name, workload, scale in (("mlp_b8", "MLP 784-512-512-10 SGD step, batch 8", 1.0),
                                  ("chain_fwdbwd", "per-op chain, 1000 ops, 4 f32, fwd+bwd, per op", 1e-3)):
        eager = v.get("tg.capture.%s.eager" % name)
        t.ratio_row("capture: %s replayed vs eager (tg_capture_replay)" % workload, "tg.capture.%s.replay" % name,
                    (eager, "eager, same process") if eager is not None else None, "< 1", 0.999999, scale)


def data_parallel(t, v):
    one, ranks = v.get("dist.mlp_b128.one_rank"), v.get("dist.mlp_b128.ranks_step")
    workload = "data parallel: MLP b128 SGD step, 2 ranks × 1 thread vs 1 rank × 1 thread (speed-up)"
    if one is None or ranks is None:
        t.missing(workload, "tensorgrad_dist")
        return
    speedup = one / ranks
    t.row(workload, time_text(ranks), "%s (1 rank)" % time_text(one), "%.3g×" % speedup, "≥ 1.8×",
          "yes" if speedup >= 1.8 else "no")
    b = 0
    while "dist.bucket%d.started_before_end_ms" % b in v:
        ahead = v["dist.bucket%d.started_before_end_ms" % b]
        t.row("data parallel: bucket %d's all-reduce started before backward ended by" % b, "%.3f ms" % ahead, "", "",
              "> 0 (overlap)", "yes" if ahead > 0 else "no")
        b += 1


def gpt_flops(vocab, layers, heads, channels, context, batch):
    """Training FLOPs of a step: 3 x the forward's matrix products (the
    blocks' 12 C^2 weights per token, the head, attention's two products)."""
    tokens = batch * context
    forward = 2 * tokens * (layers * 12 * channels ** 2 + channels * vocab) + 4 * layers * batch * context ** 2 * channels
    return 3 * forward


def mlp_flops(batch, width, hidden):
    return 6 * batch * (784 * width + (hidden - 1) * width ** 2 + width * 10)


def scaling(t, v):
    gpt = {"": (512, 4, 4, 128, 64, 4), "width": (512, 4, 4, 256, 64, 4), "depth": (512, 8, 4, 128, 64, 4),
           "batch": (512, 4, 4, 128, 64, 8), "context": (512, 4, 4, 128, 128, 4)}
    mlp = {"": (128, 512, 2), "width": (128, 1024, 2), "depth": (128, 512, 4), "batch": (256, 512, 2)}
    for base, configs, flops in (("gpt_small", gpt, gpt_flops), ("mlp_b128", mlp, mlp_flops)):
        for variant, config in configs.items():
            if not variant:
                continue
            key = "tg.%s_%s.step" % (base, variant)
            if key not in v or "tg.%s.step" % base not in v:
                t.missing("scaling %s ×2 %s" % (base, variant), key)
                continue
            time_ratio = v[key] / v["tg.%s.step" % base]
            flop_ratio = flops(*config) / flops(*configs[""])
            t.row("scaling: %s with %s doubled, step time ratio" % (base, variant), "%.2f×" % time_ratio,
                  "%.2f× (FLOPs)" % flop_ratio, "%.3g" % (time_ratio / flop_ratio), "≤ 1.1",
                  "yes" if time_ratio / flop_ratio <= 1.1 else "no")


def main(path):
    values, env, notes = read(path)
    t = Table(values)
    for part in (per_op, bandwidth):
        part(t, values)
    against_torch(t, "16M", "< 1", 0.999999)
    for size in ("64K", "1K"):
        against_torch(t, size, "≤ 0.3", 0.3)
    gemm(t, values)
    models(t, values)
    scaling(t, values)
    capture(t, values)
    data_parallel(t, values)
    for key, value in env:
        print("- %s: %s" % (key, value))
    for note in notes:
        print("- note: %s" % note)
    met = sum(1 for row in t.rows if row[5] == "yes")
    judged = sum(1 for row in t.rows if row[5] in ("yes", "no"))
    print("- goals met: %d of %d\n" % (met, judged))
    print("| workload | tensorgrad | baseline | ratio | goal | met |")
    print("|---|---|---|---|---|---|")
    for row in t.rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
