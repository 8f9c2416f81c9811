/* Options checks with PyTorch's messages, which print numbers as Python's
   repr of a float does (tg__py_float, nn layer). */
#include "optim.h"

int tg__invalid(const char *what, double v)
{
    char buf[32];
    return tg__faili(TG_E_INVALID, "Invalid %s: %s", what, tg__py_float(v, buf, sizeof buf));
}
