/*
 * app/cli.c: the commands behind `iaptsim run|check|show|schema|measures`.
 */
#include "app/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/report.h"
#include "conf/emit.h"
#include "models/model.h"
#include "sim/replicate.h"
#include "sim/rng.h"

void iapt_usage(FILE *out)
{
    fputs("usage: iaptsim run SCENARIO [-o DIR] [-r REPLICATIONS] [-s SEED] [-j THREADS] [-q]\n"
          "       iaptsim check SCENARIO...\n"
          "       iaptsim show SCENARIO\n"
          "       iaptsim schema\n"
          "       iaptsim measures\n"
          "       iaptsim --version\n"
          "\n"
          "  run       simulate the scenario; print the tables; write results.csv, summary.txt and the\n"
          "            effective scenario.yaml into DIR (default out/<scenario name>)\n"
          "  check     validate scenario files without running them\n"
          "  show      print the effective scenario (after extends and defaults) exactly as the model uses it\n"
          "  schema    print the scenario key reference (Markdown; docs/scenario.md)\n"
          "  measures  list the measures reported, with units and groupings\n",
          out);
}

/* Loads a scenario, printing every problem. 0 or 1 (bad input). */
static int load(const char *path, iapt_scenario *sc)
{
    conf_ctx *ctx = conf_ctx_create();
    if (!ctx) {
        fprintf(stderr, "iaptsim: out of memory\n");
        return 1;
    }
    int rc = iapt_scenario_load(ctx, path, sc);
    if (rc)
        conf_print_errors(ctx, stderr);
    conf_ctx_destroy(ctx);
    return rc ? 1 : 0;
}

int iapt_cmd_check(int argc, char **argv)
{
    if (argc < 1) {
        iapt_usage(stderr);
        return 2;
    }
    int status = 0;
    for (int i = 0; i < argc; i++) {
        iapt_scenario sc;
        if (load(argv[i], &sc)) {
            status = 1;
            continue;
        }
        printf("%s: ok (%zu pathways, %zu teams, %zu staff groups, %zu cohorts)\n", argv[i], sc.pathways.n,
               sc.workforce.teams.n, sc.workforce.staff.n, sc.workforce.cohorts.n);
        iapt_scenario_free(&sc);
    }
    return status;
}

int iapt_cmd_show(int argc, char **argv)
{
    if (argc != 1) {
        iapt_usage(stderr);
        return 2;
    }
    iapt_scenario sc;
    if (load(argv[0], &sc))
        return 1;
    int rc = conf_emit(stdout, &iapt_scenario_schema, &sc);
    iapt_scenario_free(&sc);
    return rc ? 3 : 0;
}

_Static_assert(CONF_MAX_FILE_BYTES == 1024 * 1024, "the reference below says 1 MiB");

static const char *const schema_preamble =
    "A scenario is a YAML file describing one NHS Talking Therapies service: its demand, its stepped care, "
    "its workforce over time and where it stands on day one. `iaptsim check FILE` validates one; "
    "`iaptsim show FILE` prints it back with every default filled in, exactly as the model will use it.\n\n"
    "This reference is generated from the loader's own tables (`iaptsim schema > docs/scenario.md`; a test "
    "fails when the file in the repository differs), so every key listed here is a key the loader accepts, "
    "with its unit and default. Defaults give the figure from the domain brief (with its source) or are "
    "marked as assumptions.\n\n"
    "**Files.** A scenario is UTF-8 text of at most 1 MiB (1,048,576 bytes) holding one YAML document whose top "
    "level is a mapping; indent with spaces (YAML does not allow tabs). Every problem is reported as "
    "`file:line:col: key.path: expected ..., got ...` (list items are named by their `name`, as in "
    "`pathways[core].opt_in`), every independent problem in one pass; a scenario with any problem is "
    "neither run nor written anywhere.\n\n"
    "**Dates and the run.** A date after the run's last day would have no effect, so it is refused: "
    "`go_live`, cohort `approved` (and the first intake it leads to), and every change of `referrals` and "
    "of post `wte` schedules. A schedule change before the first day is history and allowed (the value in "
    "force on the first day is what counts). A shock must overlap the run; top-up courses and transfers "
    "must lie within it. A schedule holds at most one step per date.\n";

int iapt_schema_markdown(FILE *out)
{
    return conf_doc_markdown(out, &iapt_scenario_schema, "iaptsim scenario reference", schema_preamble);
}

int iapt_cmd_schema(int argc, char **argv)
{
    (void)argv;
    if (argc != 0) {
        iapt_usage(stderr);
        return 2;
    }
    return iapt_schema_markdown(stdout) ? 3 : 0;
}

int iapt_cmd_measures(int argc, char **argv)
{
    (void)argv;
    if (argc != 0) {
        iapt_usage(stderr);
        return 2;
    }
    static const char *const kinds[G_NKINDS] = {"all",        "pathway",        "source", "step",
                                                "stage",      "grade",          "team",   "team/grade",
                                                "drop-out stage", "route", "pathway/step", "programme"};
    printf("%-28s %-12s %-40s %s\n", "measure", "unit", "groups", "meaning");
    for (int m = 0; m < IAPT_NMEASURES; m++) {
        char groups[128] = "";
        for (int k = 0; k < G_NKINDS; k++)
            if (iapt_measure_catalogue[m].groups & (1u << k)) {
                if (groups[0])
                    strcat(groups, ", ");
                strcat(groups, kinds[k]);
            }
        printf("%-28s %-12s %-40s %s\n", iapt_measure_catalogue[m].name, iapt_measure_catalogue[m].unit, groups,
               iapt_measure_catalogue[m].doc);
    }
    return 0;
}

/* ---- run -------------------------------------------------------------------- */

typedef struct run_opts {
    const char *scenario, *outdir;
    long reps, seed, threads;
    int quiet;
} run_opts;

static int parse_long(const char *s, long min, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min)
        return -1;
    *out = v;
    return 0;
}

static int parse_run(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->reps = o->seed = o->threads = -1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        long *target = !strcmp(a, "-r") ? &o->reps : !strcmp(a, "-s") ? &o->seed : !strcmp(a, "-j") ? &o->threads : NULL;
        if (!strcmp(a, "-o") && i + 1 < argc) {
            o->outdir = argv[++i];
        } else if (target && i + 1 < argc) {
            if (parse_long(argv[++i], target == &o->reps ? 1 : 0, target)) {
                fprintf(stderr, "iaptsim: %s: expected a whole number, got \"%s\"\n", a, argv[i]);
                return -1;
            }
        } else if (!strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (a[0] != '-' && !o->scenario) {
            o->scenario = a;
        } else {
            fprintf(stderr, "iaptsim: unexpected argument \"%s\"\n", a);
            return -1;
        }
    }
    if (!o->scenario) {
        fprintf(stderr, "iaptsim: run needs a scenario file\n");
        return -1;
    }
    return 0;
}

/* out/<scenario file name without directory or .yaml> */
static void default_outdir(const char *scenario, char *buf, size_t n)
{
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    size_t len = strlen(base);
    if (len > 5 && !strcmp(base + len - 5, ".yaml"))
        len -= 5;
    snprintf(buf, n, "out/%.*s", (int)len, base);
}

static int make_dirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0777) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0777) && errno != EEXIST ? -1 : 0;
}

/* The headline outputs the automatic replication count watches: entered
 * treatment and the waiting list, every month. */
static size_t *watch_list(const iapt_model *m, size_t *n)
{
    const iapt_layout *l = &m->layout;
    size_t *w = malloc(2 * (size_t)l->nmonths * sizeof *w);
    if (!w)
        return NULL;
    size_t a = iapt_series_index(l, M_ENTERED, G_ALL, 0), b = iapt_series_index(l, M_WAITING, G_ALL, 0);
    for (int mo = 0; mo < l->nmonths; mo++) {
        w[2 * mo] = a * (size_t)l->nmonths + (size_t)mo;
        w[2 * mo + 1] = b * (size_t)l->nmonths + (size_t)mo;
    }
    *n = 2 * (size_t)l->nmonths;
    return w;
}

static int replicate(const iapt_model *m, iapt_results *r)
{
    const iapt_run_cfg *rc = &m->sc->run;
    size_t nout = iapt_model_nout(m);
    r->target_met = -1;
    if (rc->target_half_width > 0) {
        size_t nw;
        size_t *w = watch_list(m, &nw);
        if (!w)
            return -1;
        sim_auto_opts o = {rc->confidence, rc->target_half_width, (size_t)rc->replications,
                           (size_t)rc->max_replications, w, nw};
        int rcode = sim_replicate_auto(iapt_model_rep, m, (uint64_t)rc->seed, nout, (unsigned)rc->threads, &o,
                                       &r->x, &r->nrep, &r->target_met);
        free(w);
        return rcode;
    }
    r->nrep = (size_t)rc->replications;
    r->x = malloc(r->nrep * nout * sizeof *r->x);
    if (!r->x)
        return -1;
    return sim_replicate(iapt_model_rep, m, (uint64_t)rc->seed, 0, r->nrep, nout, (unsigned)rc->threads, r->x,
                         NULL);
}

typedef struct outfile {
    const char *name;
    char tmp[4200], final[4200];
    FILE *f;
} outfile;

static int open_out(outfile *o, const char *dir, const char *name)
{
    o->name = name;
    snprintf(o->final, sizeof o->final, "%s/%s", dir, name);
    snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp%ld", dir, name, (long)getpid());
    o->f = fopen(o->tmp, "w");
    return o->f ? 0 : -1;
}

/* Writes the three outputs under temporary names, then renames them all:
 * a failure leaves no partial results behind. */
static int write_outputs(const iapt_results *r, const iapt_scenario *sc, const char *scenario, const char *dir)
{
    outfile f[3] = {{0}, {0}, {0}};
    const char *names[3] = {"results.csv", "summary.txt", "scenario.yaml"};
    int bad = make_dirs(dir);
    for (int i = 0; i < 3 && !bad; i++)
        bad = open_out(&f[i], dir, names[i]);
    if (!bad) {
        bad |= iapt_report_csv(r, f[0].f);
        iapt_report_table(r, scenario, f[1].f);
        bad |= conf_emit(f[2].f, &iapt_scenario_schema, sc);
    }
    for (int i = 0; i < 3; i++)
        if (f[i].f)
            bad |= ferror(f[i].f) | (fclose(f[i].f) != 0);
    for (int i = 0; i < 3; i++) {
        if (!f[i].f)
            continue;
        if (bad || rename(f[i].tmp, f[i].final))
            unlink(f[i].tmp), bad = 1;
    }
    if (bad)
        fprintf(stderr, "iaptsim: cannot write results into %s: %s\n", dir, strerror(errno));
    return bad ? -1 : 0;
}

int iapt_cmd_run(int argc, char **argv)
{
    run_opts o;
    if (parse_run(argc, argv, &o)) {
        iapt_usage(stderr);
        return 2;
    }
    iapt_scenario sc;
    if (load(o.scenario, &sc))
        return 1;
    if (o.reps > 0)
        sc.run.replications = o.reps;
    if (o.seed >= 0)
        sc.run.seed = o.seed;
    if (o.threads >= 0)
        sc.run.threads = o.threads;
    char dir[4096];
    if (o.outdir)
        snprintf(dir, sizeof dir, "%s", o.outdir);
    else
        default_outdir(o.scenario, dir, sizeof dir);
    int status = 3;
    iapt_results r = {0};
    iapt_model *m = iapt_model_create(&sc);
    if (!m) {
        fprintf(stderr, "iaptsim: out of memory preparing the model\n");
        goto done;
    }
    r.m = m;
    r.level = sc.run.confidence;
    if (replicate(m, &r) || iapt_results_summarise(&r)) {
        fprintf(stderr, "iaptsim: the run failed (out of memory or a numerical error%s%s)\n",
                sim_gsl_errors() ? ": " : "", sim_gsl_errors() ? sim_gsl_first_error() : "");
        goto done;
    }
    if (!o.quiet)
        iapt_report_table(&r, o.scenario, stdout);
    if (write_outputs(&r, &sc, o.scenario, dir))
        goto done;
    if (!o.quiet)
        printf("\nwrote %s/results.csv, %s/summary.txt, %s/scenario.yaml\n", dir, dir, dir);
    status = 0;
done:
    iapt_results_free(&r);
    iapt_model_destroy(m);
    iapt_scenario_free(&sc);
    return status;
}
