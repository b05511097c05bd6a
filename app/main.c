/*
 * app/main.c: the iaptsim program: dispatches to a command (app/cli.h),
 * then makes sure everything it printed reached standard output: a write
 * error (a full disk, a closed pipe) is a failure.
 *
 * SIGPIPE is ignored, so a reader that closes the pipe early (`iaptsim run
 * x.yaml | head -1`) makes writes fail with EPIPE rather than killing the
 * program mid-run: the run finishes, its files are put in place, and the
 * failure is reported like any other write error (exit status 3).
 */
#include <errno.h>
#include <signal.h>

#include "app/cli.h"
#include "sim/rng.h"

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    sim_rng_install_error_handler();
    int rc = iapt_dispatch(argc, argv);
    return iapt_exit(rc, errno); /* a failed earlier write left its reason in errno */
}
