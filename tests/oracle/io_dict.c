/* Oracle for tg_dict against a Python dict of tensors (what state_dict()
   returns): keys in insertion order, a replaced name keeping its place, a
   get sharing the stored tensor's storage, and metadata as a str -> str
   dict. io_dict.py prints the same. */
#include "oracle.h"

static void print_keys(const char *label, const tg_dict *d)
{
    printf("%s: [", label);
    for (int i = 0; i < tg_dict_len(d); i++) printf(i ? ", '%s'" : "'%s'", tg_dict_key(d, i));
    printf("] len %d\n", tg_dict_len(d));
}

int main(void)
{
    tg_dict *d = tg_dict_new();
    tg_dict_set(d, "weight", tg_from_f32(F32(1, 2, 3, 4), TG_SHAPE(2, 2)));
    tg_dict_set(d, "bias", tg_from_f32(F32(0.5, -0.5), TG_SHAPE(2)));
    tg_dict_set(d, "num_batches_tracked", tg_from_i64(I64(0), TG_SHAPE()));
    print_keys("keys", d);

    tg_dict_set(d, "weight", tg_zeros(TG_SHAPE(3), TG_F64));
    print_keys("keys after replacing weight", d);
    show("weight", tg_dict_get(d, "weight"));

    tg_tensor *bias = tg_dict_get(d, "bias");
    tg_mul_scalar_(bias, 4);
    show("bias after an in-place write through a handle", tg_dict_get(d, "bias"));

    tg_dict_set_metadata(d, "format", "pt");
    tg_dict_set_metadata(d, "format", "np");
    tg_dict_set_metadata(d, "author", "tensorgrad");
    printf("metadata: {'format': '%s', 'author': '%s'} absent: %s\n", tg_dict_metadata(d, "format"),
           tg_dict_metadata(d, "author"), tg_dict_metadata(d, "other") ? "present" : "None");
    tg_dict_free(d);
    return 0;
}
