# The PyTorch side of nn_train_transformer.c: the same model, weights,
# batches and training, printing the same lines.
import torch
import torch.nn as nn

from nn_train_common import init, mix, print_loss, print_weights

STEPS, BATCH, SEQ, VOCAB, D_MODEL, HEADS, FEEDFORWARD = 50, 4, 8, 16, 32, 4, 64


class TinyTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok_emb = nn.Embedding(VOCAB, D_MODEL)
        self.pos_emb = nn.Embedding(SEQ, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, FEEDFORWARD, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(D_MODEL))
        self.head = nn.Linear(D_MODEL, VOCAB)

    def forward(self, tokens, causal_mask):
        x = self.tok_emb(tokens) + self.pos_emb(torch.arange(SEQ))
        return self.head(self.encoder(x, mask=causal_mask))


def make_batch(step):
    inputs, targets = [], []
    for b in range(BATCH):
        h = mix(1000 + step * BATCH + b)
        start, stride = h % VOCAB, 1 + (h >> 8) % 3
        inputs += [(start + t * stride) % VOCAB for t in range(SEQ)]
        targets += [(start + (t + 1) * stride) % VOCAB for t in range(SEQ)]
    return torch.tensor(inputs).reshape(BATCH, SEQ), torch.tensor(targets)


def batch_loss(model, step, causal_mask):
    tokens, targets = make_batch(step)
    return nn.functional.cross_entropy(model(tokens, causal_mask).reshape(BATCH * SEQ, VOCAB), targets)


def main():
    model = TinyTransformer()
    init(model)
    params = list(model.parameters())
    opt = torch.optim.AdamW(params, lr=3e-3, eps=1e-6)  # see the .c: the key bias's gradient is noise
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, STEPS)
    causal_mask = nn.Transformer.generate_square_subsequent_mask(SEQ)
    print(model)
    for step in range(STEPS):
        opt.zero_grad()
        loss = batch_loss(model, step, causal_mask)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        schedule.step()
        print_loss(step, loss)
        print("norm %d %.9g" % (step, norm.item()))
        print("lr %d %.9g" % (step, opt.param_groups[0]["lr"]))
    model.eval()
    with torch.no_grad():
        print_loss(STEPS, batch_loss(model, 0, causal_mask))
    print_weights(model)


main()
