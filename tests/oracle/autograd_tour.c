/* The oracle test runs the example itself: its output is compared with
   autograd_tour.py, the same walkthrough in PyTorch. */
#include "../../examples/autograd_tour.c"
