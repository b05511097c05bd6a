/*
 * app/main.c: the iaptsim program: dispatches to a command (app/cli.h),
 * then makes sure everything it printed reached standard output: a write
 * error (a full disk, a closed pipe) is a failure.
 */
#include <errno.h>

#include "app/cli.h"
#include "sim/rng.h"

int main(int argc, char **argv)
{
    sim_rng_install_error_handler();
    int rc = iapt_dispatch(argc, argv);
    return iapt_exit(rc, errno); /* a failed earlier write left its reason in errno */
}
