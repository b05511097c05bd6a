/*
 * bench/bench_model.c: the IAPT model at England scale, printed as figures
 * (not a test).
 *
 * Loads scenarios/england-2018-19.yaml (1.6 million referrals a year, about
 * 14,000 clinicians), runs 5 simulated years and 10 replications on all
 * processors, and prints the wall time, the time per replication-year, the
 * referrals simulated and the peak resident memory of the process.
 *
 * Usage: bench_model [SCENARIO] [--years N] [--replications N] [--threads N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "models/model.h"
#include "models/scenario.h"
#include "sim/replicate.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *path = IAPTSIM_SOURCE_DIR "/scenarios/england-2018-19.yaml";
    long years = 5, reps = 10, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--years") && i + 1 < argc)
            years = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--replications") && i + 1 < argc)
            reps = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = strtol(argv[++i], NULL, 10);
        else
            path = argv[i];
    }
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario sc;
    if (iapt_scenario_load(ctx, path, &sc)) {
        conf_print_errors(ctx, stderr);
        return 1;
    }
    conf_ctx_destroy(ctx);
    sc.run.end = sim_date_add_months(sc.run.start, (int)(12 * years)) - 1;
    sc.run.replications = reps;
    iapt_model *m = iapt_model_create(&sc);
    size_t nout = iapt_model_nout(m);
    double *x = malloc((size_t)reps * nout * sizeof *x);
    unsigned nthreads = threads > 0 ? (unsigned)threads : sim_threads_default();
    printf("# iaptsim model benchmark: %s\n", path);
    printf("# %ld simulated years x %ld replications on %u threads\n", years, reps, nthreads);
    double t0 = seconds();
    int rc = sim_replicate(iapt_model_rep, m, (uint64_t)sc.run.seed, 0, (size_t)reps, nout, nthreads, x, NULL);
    double dt = seconds() - t0;
    if (rc) {
        fprintf(stderr, "bench_model: the run failed\n");
        return 1;
    }
    long s = iapt_series_find(&m->layout, "referrals", "all");
    double referrals = 0;
    for (int mo = 0; mo < m->layout.nmonths; mo++)
        referrals += x[(size_t)s * (size_t)m->layout.nmonths + (size_t)mo];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("wall time                 %8.1f s\n", dt);
    printf("per replication-year      %8.2f s of one core\n", dt * nthreads / (double)(reps * years));
    printf("referrals per year        %8.0f (replication 0)\n", referrals / (double)years);
    printf("peak resident memory      %8.0f MiB\n", (double)ru.ru_maxrss / 1024);
    free(x);
    iapt_model_destroy(m);
    iapt_scenario_free(&sc);
    return 0;
}
