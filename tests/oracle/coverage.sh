#!/bin/sh
# coverage.sh HEADER ORACLE_DIR: fails when a public function of HEADER is
# called by no oracle program (ORACLE_DIR/*.c and *.h, or the walkthrough
# one of them includes), so that every operation is compared with PyTorch. The
# functions PyTorch has no counterpart to compare with are listed here,
# each with the test that covers it instead.
header=$1 dir=$2
not_compared='
tg_copy_to_f64      reads values out; every oracle program prints through it
tg_empty            uninitialised values; test_limits
tg_gradcheck        finite differences; test_gradcheck
tg_graph_dot        Graphviz text; test_graph_dot
tg_is_grad_enabled  thread-local mode; test_semantics, test_threads
tg_set_grad_enabled thread-local mode; test_semantics, test_threads
tg_set_inference_mode thread-local mode, through TG_INFERENCE_MODE in oracle autograd_hooks; test_hooks
tg_scope_depth      scopes; test_usability
tg_scope_size       scopes; test_usability
tg_keep             scopes; test_semantics
tg_retain           references; test_semantics
tg_release          references; test_semantics
tg_empty_cache      allocator memory, nothing to compare; test_cache
tg_manual_seed      random streams differ from PyTorch by design; test_semantics
tg_rand             random streams differ from PyTorch by design; test_semantics
tg_randn            random streams differ from PyTorch by design; test_semantics
tg_init_uniform_    random streams differ from PyTorch by design; test_nn_modules (bounds: nn_init)
tg_init_normal_     random streams differ from PyTorch by design; test_nn_modules (stds: nn_init)
tg_module_to        each tensor checked against tg_to of it, the message as in PyTorch; test_nn_modules
tg_generator_get_state random streams differ from PyTorch by design; test_checkpoint
tg_generator_set_state random streams differ from PyTorch by design; test_checkpoint
tg_save_checkpoint  a tensorgrad file format, resumed bit for bit; test_checkpoint
tg_load_checkpoint  a tensorgrad file format, resumed bit for bit; test_checkpoint
tg_anomaly_label    the stand-in for a Python traceback; test_autograd_custom
tg_node_anomaly_site the stand-in for a Python traceback; test_autograd_custom
tg_ctx_num_saved    len(ctx.saved_tensors), nothing to print; test_autograd_custom
tg_set_num_threads  results do not depend on it; test_threads
tg_get_num_threads  a process-wide setting; test_threads
tg_data_ptr         memory addresses; test_interop
tg_element_size     sizes in bytes; test_interop
tg_set_error        the library error state; test_interop
'
walkthrough=$(dirname "$dir")/../examples/autograd_tour.c
missing=0
for fn in $(sed -n 's/^[a-z][a-z0-9_ ]*[ *]\(tg_[a-z][a-z0-9_]*\)(.*/\1/p' "$header" | sort -u); do
    printf '%s\n' "$not_compared" | grep -q "^$fn " && continue
    if ! grep -qw "$fn" "$dir"/*.c "$dir"/*.h "$walkthrough"; then
        echo "no oracle program calls $fn: add its line to tests/oracle/ (docs/adding_an_op.md)"
        missing=1
    fi
done
[ $missing -eq 0 ] && echo "OK: every public function is compared with PyTorch or listed with its test"
exit $missing
