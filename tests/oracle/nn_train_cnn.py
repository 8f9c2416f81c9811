# The PyTorch side of nn_train_cnn.c: the same CNN, weights, batches and
# training, printing the same lines.
from collections import OrderedDict

import torch
import torch.nn as nn

from nn_train_common import init, mix, print_loss, print_weights, unit

STEPS, BATCH, SIDE, CLASSES = 50, 8, 10, 10
PIXELS = SIDE * SIDE


def make_model():
    model = nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 8, 3, padding=1)),
        ("relu1", nn.ReLU()),
        ("pool", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(8, 16, 3)),
        ("bn", nn.BatchNorm2d(16)),
        ("relu2", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)),
        ("flatten", nn.Flatten()),
        ("dropout", nn.Dropout(0.0)),
        ("fc", nn.Linear(16, CLASSES)),
    ]))
    init(model)
    return model


def make_batch(step):
    pixels, labels = [], []
    noise = "cnn.x.%d" % step
    for b in range(BATCH):
        label = mix(step * BATCH + b) % CLASSES
        labels.append(label)
        pattern = "cnn.class.%d" % label
        pixels += [0.5 * unit(pattern, i) + 0.5 * unit(noise, b * PIXELS + i) for i in range(PIXELS)]
    x = torch.tensor(pixels, dtype=torch.float64).to(torch.float32).reshape(BATCH, 1, SIDE, SIDE)
    return x, torch.tensor(labels)


def main():
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    print(model)
    for step in range(STEPS):
        x, y = make_batch(step)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        print_loss(step, loss)
    model.eval()
    x, y = make_batch(0)
    with torch.no_grad():
        print_loss(STEPS, nn.functional.cross_entropy(model(x), y))
    print_weights(model)


main()
