/*
 * app/main.c: the iaptsim program: dispatches to a command (app/cli.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "sim/rng.h"

static int dispatch(int argc, char **argv);

/* Runs the command, then makes sure everything it printed reached standard
 * output: a write error (a full disk, a closed pipe) is a failure. */
int main(int argc, char **argv)
{
    int rc = dispatch(argc, argv), before = errno; /* a failed earlier write left its reason here */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "iaptsim: cannot write to standard output: %s\n", strerror(errno ? errno : before ? before : EIO));
        return rc ? rc : 3;
    }
    return rc;
}

static int dispatch(int argc, char **argv)
{
    sim_rng_install_error_handler();
    if (argc < 2) {
        iapt_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return iapt_cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return iapt_cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "show"))
        return iapt_cmd_show(argc - 2, argv + 2);
    if (!strcmp(cmd, "schema"))
        return iapt_cmd_schema(argc - 2, argv + 2);
    if (!strcmp(cmd, "measures"))
        return iapt_cmd_measures(argc - 2, argv + 2);
    if (!strcmp(cmd, "--version")) {
        printf("iaptsim %s\n", IAPTSIM_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        iapt_usage(stdout);
        return 0;
    }
    fprintf(stderr, "iaptsim: unknown command \"%s\"\n", cmd);
    iapt_usage(stderr);
    return 2;
}
