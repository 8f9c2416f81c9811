# What the optim oracle scripts share (optim_common.h is its C side): the
# fixed values their parameters and gradients are made of, and rows of
# values printed with 17 digits, so that any difference shows.


def values(n, a, b, c, d):
    return [((i * a) % b - c) / d for i in range(n)]


def row(label, ts):
    print(label, " ".join("%.17g" % v for t in ts for v in t.detach().double().flatten().tolist()))
