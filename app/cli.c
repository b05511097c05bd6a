/*
 * app/cli.c: the commands behind `iaptsim run|check|show|schema|measures`.
 *
 * `run` checks everything it can before simulating (the scenario, the
 * limits of -r/-s/-j, which are the scenario keys' own, and that the output
 * folder can be made, by making the fresh hidden folder beside the target
 * that the files are written into), and writes its four files all or
 * nothing: renamed into place at the end, so a failed or interrupted run
 * leaves no output, no temporary files and no folders it made. Only when
 * the tables cannot be printed after the files are in place are the files
 * kept (complete), and the exit status says the printing failed.
 */
#include "app/cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
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

/* Room for a folder, a name and a suffix (longer paths fail in the system
 * calls, not here). */
#define PATH_BUF (2 * PATH_MAX + 64)

/* The commands: how each is called, a line for the overview, and its own
 * help (after its usage line). */
typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *summary;
    const char *help;
} command;

static int cmd_help(int argc, char **argv);

static const command commands[] = {
    {"run", iapt_cmd_run, "run SCENARIO [-o DIR] [-r REPLICATIONS] [-s SEED] [-j THREADS] [-q]",
     "simulate the scenario; print the tables; write results.csv, years.csv, summary.txt and\n"
     "            the effective scenario.yaml into DIR (default out/NAME, NAME the scenario file's\n"
     "            name without its folder and .yaml: out/default for scenarios/default.yaml)",
     "Simulates the scenario, prints the tables and writes results.csv, years.csv, summary.txt and\n"
     "the effective scenario.yaml into DIR, all or nothing: through a hidden folder made beside DIR\n"
     "before the run starts, renamed into place at the end (other files in DIR are kept).\n"
     "\n"
     "  -o, --output DIR            where to write (default out/NAME, NAME the scenario file's name\n"
     "                              without its folder and .yaml: out/default for scenarios/default.yaml)\n"
     "  -r, --replications N        independent replications, 1 to 100000 (as run.replications)\n"
     "  -s, --seed SEED             master seed, 0 to 9200000000000000000 (as run.seed)\n"
     "  -j, --threads N             threads, 0 to 1024, 0 for one per processor (as run.threads)\n"
     "  -q, --quiet                 print nothing (the files are still written)\n"
     "  -h, --help                  this text\n"
     "A value follows its option after a space or attached: -j 2, -j2, --threads 2, --threads=2.\n"
     "\n"
     "Exit status: 0 done; 1 bad input (nothing written); 2 bad usage, or an output folder that\n"
     "cannot be made or written (found before the run starts); 3 the run or writing its results\n"
     "failed (nothing written), or the tables could not be printed (the files are then complete).\n"},
    {"check", iapt_cmd_check, "check SCENARIO...", "validate scenario files without running them",
     "Validates each scenario file without running it, printing every problem as\n"
     "file:line:col: key.path: expected ..., got ...\n"
     "\n"
     "Exit status: 0 every file is valid; 1 one or more is not; 2 no file given.\n"},
    {"show", iapt_cmd_show, "show SCENARIO",
     "print the effective scenario (after extends and defaults) exactly as the model uses it",
     "Prints the effective scenario: the file after its extends chain and with every default filled\n"
     "in, exactly as the model uses it. What it prints is itself a scenario that loads again (each\n"
     "run writes it as scenario.yaml).\n"
     "\n"
     "Exit status: 0 printed; 1 bad input; 2 not exactly one file given; 3 not written.\n"},
    {"schema", iapt_cmd_schema, "schema", "print the scenario key reference (Markdown; docs/scenario.md)",
     "Prints the scenario key reference, every key with its unit, default and source, as Markdown\n"
     "(the repository keeps it as docs/scenario.md).\n"},
    {"measures", iapt_cmd_measures, "measures", "list the measures reported, with units, ranges and groupings",
     "Lists the measures in results.csv with their units, ranges and groupings, and how their\n"
     "intervals are computed.\n"},
    {"help", cmd_help, "help [COMMAND]", "this text, or a command's options and exit statuses (also COMMAND --help)",
     "Prints the overview of the commands, or one command's help (as COMMAND --help or -h does).\n"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

void iapt_usage(FILE *out)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "%s iaptsim %s\n", i ? "      " : "usage:", commands[i].usage);
    fputs("       iaptsim --version\n\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static void command_help(const command *c, FILE *out)
{
    fprintf(out, "usage: iaptsim %s\n\n%s", c->usage, c->help);
}

/* After a usage error of command `name` (its message already printed):
 * the command's usage line and where to read more. Returns 2. */
static int usage_error(const char *name)
{
    fprintf(stderr, "usage: iaptsim %s\n", find_command(name)->usage);
    if (strcmp(name, "help") != 0)
        fprintf(stderr, "(iaptsim help %s says more)\n", name);
    return 2;
}

static int is_help(const char *arg) { return !strcmp(arg, "--help") || !strcmp(arg, "-h"); }

/* Whether a command was asked for its help (-h or --help among its
 * arguments); if so prints it. */
static int asked_help(const char *name, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (is_help(argv[i])) {
            command_help(find_command(name), stdout);
            return 1;
        }
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0 || (argc == 1 && is_help(argv[0]))) {
        iapt_usage(stdout);
        return 0;
    }
    const command *c = find_command(argv[0]);
    if (argc > 1) {
        fprintf(stderr, "iaptsim: help takes one command, got %d arguments\n", argc);
        return usage_error("help");
    }
    if (!c) {
        fprintf(stderr, "iaptsim: help: unknown command \"%s\"\n", argv[0]);
        return usage_error("help");
    }
    command_help(c, stdout);
    return 0;
}

int iapt_dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs("iaptsim: which command?\n", stderr);
        iapt_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    const command *c = find_command(cmd);
    if (c)
        return c->fn(argc - 2, argv + 2);
    if (!strcmp(cmd, "--version")) {
        printf("iaptsim %s\n", IAPTSIM_VERSION);
        return 0;
    }
    if (is_help(cmd)) {
        iapt_usage(stdout);
        return 0;
    }
    fprintf(stderr, "iaptsim: unknown command \"%s\"\n", cmd);
    iapt_usage(stderr);
    return 2;
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

/* "1 pathway", "2 pathways" */
static const char *plural(size_t n, const char *one, const char *many) { return n == 1 ? one : many; }

int iapt_cmd_check(int argc, char **argv)
{
    if (asked_help("check", argc, argv))
        return 0;
    if (argc < 1) {
        fputs("iaptsim: check needs a scenario file\n", stderr);
        return usage_error("check");
    }
    int status = 0;
    for (int i = 0; i < argc; i++) {
        iapt_scenario sc;
        if (load(argv[i], &sc)) {
            status = 1;
            continue;
        }
        size_t np = sc.pathways.n, nt = sc.workforce.teams.n, ns = sc.workforce.staff.n, nc = sc.workforce.cohorts.n;
        printf("%s: ok (%zu %s, %zu %s, %zu %s, %zu %s)\n", argv[i], np, plural(np, "pathway", "pathways"), nt,
               plural(nt, "team", "teams"), ns, plural(ns, "staff group", "staff groups"), nc,
               plural(nc, "cohort", "cohorts"));
        iapt_scenario_free(&sc);
    }
    return status;
}

int iapt_cmd_show(int argc, char **argv)
{
    if (asked_help("show", argc, argv))
        return 0;
    if (argc != 1) {
        if (argc == 0)
            fputs("iaptsim: show needs a scenario file\n", stderr);
        else
            fprintf(stderr, "iaptsim: show takes one scenario file, got %d: \"%s\", \"%s\"%s\n", argc, argv[0], argv[1],
                    argc > 2 ? "..." : "");
        return usage_error("show");
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
    "level is a mapping; indent with spaces (YAML does not allow tabs). A binary file (a NUL byte in its first "
    "8 KiB, or a compressed file, archive, image, PDF or office document) is refused as such. YAML tags "
    "(`!!seq`, `!include`) are refused, except the standard scalar ones (`!!str`, `!!int`, `!!float`, `!!bool`, "
    "`!!null`), which change nothing: each key says how its value is read. Every problem is reported as "
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

/* A command that takes no arguments was given some: says so. Returns 2. */
static int no_arguments(const char *name, char **argv)
{
    fprintf(stderr, "iaptsim: %s takes no arguments, got \"%s\"\n", name, argv[0]);
    return usage_error(name);
}

int iapt_cmd_schema(int argc, char **argv)
{
    if (asked_help("schema", argc, argv))
        return 0;
    if (argc != 0)
        return no_arguments("schema", argv);
    return iapt_schema_markdown(stdout) ? 3 : 0;
}

int iapt_cmd_measures(int argc, char **argv)
{
    if (asked_help("measures", argc, argv))
        return 0;
    if (argc != 0)
        return no_arguments("measures", argv);
    static const char *const kinds[G_NKINDS] = {"all",        "pathway",        "source", "step",
                                                "stage",      "grade",          "team",   "team/grade",
                                                "drop-out stage", "route", "pathway/step", "programme",
                                                "site",  "all (with sites)"};
    printf("%-28s %-12s %-7s %-40s %s\n", "measure", "unit", "range", "groups", "meaning");
    for (int m = 0; m < IAPT_NMEASURES; m++) {
        char groups[128] = "";
        for (int k = 0; k < G_NKINDS; k++)
            if (iapt_measure_catalogue[m].groups & (1u << k)) {
                if (groups[0])
                    strcat(groups, ", ");
                strcat(groups, kinds[k]);
            }
        double lo, hi;
        iapt_measure_range(m, &lo, &hi);
        printf("%-28s %-12s %-7s %-40s %s\n", iapt_measure_catalogue[m].name, iapt_measure_catalogue[m].unit,
               isinf(hi) ? ">= 0" : "0-100", groups, iapt_measure_catalogue[m].doc);
    }
    puts("\nEach value is a mean over replications with a Student-t confidence interval (run.confidence, 95%\n"
         "unless the scenario says otherwise), cut at its measure's range above (ci_low, ci_high; the mean is\n"
         "unchanged), as is usual for a bounded quantity whose interval would otherwise reach below 0 or above\n"
         "100%. n counts the replications with a value (a median of no waits has none); the tables mark a\n"
         "value from fewer than all replications with *.");
    return 0;
}

/* ---- run -------------------------------------------------------------------- */

typedef struct run_opts {
    const char *scenario, *outdir;
    long reps, seed, threads;
    int quiet;
} run_opts;

/* The field `key` of the scenario's `run` section (for -r, -s, -j). */
static const conf_field *run_field(const char *key)
{
    const conf_schema *run = NULL;
    for (size_t i = 0; i < iapt_scenario_schema.nfields && !run; i++)
        if (!strcmp(iapt_scenario_schema.fields[i].key, "run"))
            run = iapt_scenario_schema.fields[i].sub;
    for (size_t i = 0; run && i < run->nfields; i++)
        if (!strcmp(run->fields[i].key, key))
            return &run->fields[i];
    return NULL;
}

/* Parses the value of option opt as the scenario key `key` would be read:
 * a whole number within the key's bounds. */
static int parse_option(const char *opt, const char *key, const char *s, long *out)
{
    const conf_field *f = run_field(key);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || (double)v < f->min || (double)v > f->max) {
        fprintf(stderr, "iaptsim: %s: expected a whole number between %.0f and %.0f (like run.%s), got \"%s\"\n",
                opt, f->min, f->max, key, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* The options of `run`: short and long names, and the scenario key whose
 * limits a number takes (NULL: -o takes a folder, -q takes nothing). */
static const struct run_opt {
    const char *shrt, *lng, *key;
} run_options[] = {
    {"-o", "--output", NULL},  {"-r", "--replications", "replications"}, {"-s", "--seed", "seed"},
    {"-j", "--threads", "threads"}, {"-q", "--quiet", NULL},
};

/* The option arg names (-j2, -j, --threads=2, --threads), with *value set
 * to its attached value or NULL; NULL if arg is not an option of run. */
static const struct run_opt *find_option(const char *arg, const char **value)
{
    for (size_t i = 0; i < sizeof run_options / sizeof run_options[0]; i++) {
        const struct run_opt *o = &run_options[i];
        size_t n = strlen(o->lng);
        if (strncmp(arg, o->lng, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
            *value = arg[n] == '=' ? arg + n + 1 : NULL;
            return o;
        }
        if (strncmp(arg, o->shrt, 2) == 0) {
            *value = arg[2] ? arg + 2 : NULL;
            return o;
        }
    }
    return NULL;
}

/* Applies option o (as written: `name`) with its value v. 0 or -1. */
static int apply_option(const struct run_opt *o, const char *name, const char *v, run_opts *r)
{
    if (o->shrt[1] == 'q') {
        if (v) {
            fprintf(stderr, "iaptsim: %s takes no value, got \"%s\"\n", name, v);
            return -1;
        }
        r->quiet = 1;
        return 0;
    }
    if (o->shrt[1] == 'o') {
        r->outdir = v;
        return 0;
    }
    long *target = o->shrt[1] == 'r' ? &r->reps : o->shrt[1] == 's' ? &r->seed : &r->threads;
    return parse_option(name, o->key, v, target);
}

static int parse_run(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->reps = o->seed = o->threads = -1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        const struct run_opt *opt = a[0] == '-' ? find_option(a, &v) : NULL;
        char name[32];
        if (opt) {
            snprintf(name, sizeof name, "%s", a[1] == '-' ? opt->lng : opt->shrt);
            if (!v && opt->shrt[1] != 'q' && ++i >= argc) {
                fprintf(stderr, "iaptsim: %s needs a value\n", name);
                return -1;
            }
            if (apply_option(opt, name, v ? v : opt->shrt[1] == 'q' ? NULL : argv[i], o))
                return -1;
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

/* ---- the output folder ---- */

/* Where the outputs go: the target folder, its parent and its name. */
typedef struct outdir {
    char target[PATH_MAX], parent[PATH_MAX];
    const char *name; /* inside target */
} outdir;

/* Splits dir (trailing slashes dropped) into parent and name. -1 if it
 * names no folder of its own (empty, ., .., or too long). */
static int outdir_split(const char *dir, outdir *d)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len == 0 || len >= sizeof d->target)
        return -1;
    memcpy(d->target, dir, len);
    d->target[len] = '\0';
    char *slash = strrchr(d->target, '/');
    d->name = slash ? slash + 1 : d->target;
    if (!*d->name || !strcmp(d->name, ".") || !strcmp(d->name, ".."))
        return -1;
    if (!slash)
        snprintf(d->parent, sizeof d->parent, ".");
    else if (slash == d->target)
        snprintf(d->parent, sizeof d->parent, "/");
    else
        snprintf(d->parent, sizeof d->parent, "%.*s", (int)(slash - d->target), d->target);
    return 0;
}

/* Before the run: the target is a folder or absent, and the nearest
 * existing folder above it can be written. Prints why not; -1 then. */
static int outdir_check(const char *dir, outdir *d)
{
    struct stat st;
    if (outdir_split(dir, d)) {
        fprintf(stderr, "iaptsim: -o \"%s\": expected the name of a folder to write into\n", dir);
        return -1;
    }
    if (stat(d->target, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "iaptsim: -o %s: exists and is not a folder\n", d->target);
        return -1;
    }
    char up[PATH_MAX];
    snprintf(up, sizeof up, "%s", d->parent);
    while (stat(up, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
        char *slash = strrchr(up, '/');
        if (!slash)
            snprintf(up, sizeof up, ".");
        else
            slash[slash == up] = '\0'; /* "/a" -> "/", "a/b" -> "a" */
    }
    const char *why = stat(up, &st) != 0                ? strerror(errno)
                      : !S_ISDIR(st.st_mode)              ? "not a folder"
                      : access(up, W_OK | X_OK) != 0      ? strerror(errno)
                                                          : NULL;
    if (why) {
        fprintf(stderr, "iaptsim: -o %s: cannot create it in %s: %s\n", d->target, up, why);
        return -1;
    }
    return 0;
}

/* Creates the missing folders above the target, remembering them (made[],
 * outermost first) so that a failure can remove them again. */
static int make_parents(const outdir *d, char made[][PATH_MAX], int *nmade, int cap)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", d->parent);
    for (char *p = tmp + 1;; p++) {
        int end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        if (mkdir(tmp, 0777) == 0) {
            if (*nmade < cap)
                snprintf(made[(*nmade)++], PATH_MAX, "%s", tmp);
        } else if (errno != EEXIST) {
            return -1;
        }
        if (end)
            return 0;
        *p = '/';
    }
}

static void remove_made(char made[][PATH_MAX], int nmade)
{
    while (nmade > 0)
        rmdir(made[--nmade]);
}

#define NOUT 4
static const char *const out_names[NOUT] = {"results.csv", "years.csv", "summary.txt", "scenario.yaml"};

static int is_output(const char *name)
{
    for (int i = 0; i < NOUT; i++)
        if (!strcmp(name, out_names[i]))
            return 1;
    return 0;
}

/* Removes our files from folder dir, then dir itself if it is empty. */
static void remove_outputs(const char *dir)
{
    char p[PATH_BUF];
    for (int i = 0; i < NOUT; i++) {
        if (snprintf(p, sizeof p, "%s/%s", dir, out_names[i]) < (int)sizeof p)
            unlink(p);
    }
    rmdir(dir);
}

/* Puts the finished folder tmp in place of d->target. An existing target
 * is swapped out whole (its files other than ours are moved into the new
 * folder, then the old one is removed), so readers never see a mix of old
 * and new results. */
static int install(const char *tmp, const outdir *d)
{
    if (rename(tmp, d->target) == 0)
        return 0;
    if (errno != EEXIST && errno != ENOTEMPTY)
        return -1;
    char old[PATH_BUF];
    snprintf(old, sizeof old, "%s/.%s.old-XXXXXX", d->parent, d->name);
    if (!mkdtemp(old))
        return -1;
    if (rename(d->target, old) != 0) {
        rmdir(old);
        return -1;
    }
    if (rename(tmp, d->target) != 0) {
        int e = errno;
        rename(old, d->target);
        errno = e;
        return -1;
    }
    DIR *dp = opendir(old);
    for (struct dirent *e; dp && (e = readdir(dp));) {
        char from[2 * PATH_BUF], to[2 * PATH_BUF];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || is_output(e->d_name))
            continue;
        snprintf(from, sizeof from, "%s/%s", old, e->d_name);
        snprintf(to, sizeof to, "%s/%s", d->target, e->d_name);
        if (rename(from, to) != 0)
            fprintf(stderr, "iaptsim: warning: could not move %s into %s: %s\n", from, d->target, strerror(errno));
    }
    if (dp)
        closedir(dp);
    remove_outputs(old);
    return 0;
}

/* The process umask (mkdtemp makes folders private; the outputs should not be). */
static mode_t current_umask(void)
{
    mode_t m = umask(0);
    umask(m);
    return m;
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
    if (!r->x) {
        fprintf(stderr, "iaptsim: not enough memory to keep the results of %zu replications (%.1f GiB); use fewer (-r)\n",
                r->nrep, (double)r->nrep * (double)nout * sizeof *r->x / (1024.0 * 1024 * 1024));
        return -1;
    }
    return sim_replicate(iapt_model_rep, m, (uint64_t)rc->seed, 0, r->nrep, nout, (unsigned)rc->threads, r->x,
                         NULL);
}

/* Writes one output file; 0 or -1 (errno set). */
static int write_file(const char *dir, const char *name, int (*fn)(FILE *, const void *), const void *arg)
{
    char path[PATH_BUF];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int bad = fn(f, arg) != 0;
    bad |= fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int e = errno;
    bad |= fclose(f) != 0;
    if (bad && !errno)
        errno = e ? e : EIO;
    return bad ? -1 : 0;
}

typedef struct outputs {
    const iapt_results *r;
    const iapt_scenario *sc;
    const char *scenario;
} outputs;

static int put_csv(FILE *f, const void *arg) { return iapt_report_csv(((const outputs *)arg)->r, f); }
static int put_years(FILE *f, const void *arg) { return iapt_report_years_csv(((const outputs *)arg)->r, f); }
static int put_summary(FILE *f, const void *arg)
{
    const outputs *o = arg;
    iapt_report_table(o->r, o->scenario, f);
    return 0;
}
static int put_scenario(FILE *f, const void *arg)
{
    return conf_emit(f, &iapt_scenario_schema, ((const outputs *)arg)->sc);
}

/* Where a run's files are staged: a hidden folder beside the target, and
 * the folders made above it (outermost first). Made before the run starts,
 * so that a folder that cannot be made stops it at once; removed if the
 * run fails or is interrupted. */
typedef struct staging {
    char tmp[PATH_BUF];
    char made[16][PATH_MAX];
    int nmade;
} staging;

/* The staging of the run in progress, for the signal handler. */
static staging *volatile interrupted_staging;

/* SIGINT, SIGTERM, SIGHUP (unless ignored) during the run: removes the (still empty) hidden
 * folder and the folders made for it, then dies of the signal. rmdir,
 * signal and raise are async-signal-safe. */
static void on_interrupt(int sig)
{
    staging *st = interrupted_staging;
    if (st) {
        rmdir(st->tmp);
        for (int i = st->nmade; i > 0; i--)
            rmdir(st->made[i - 1]);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void staging_abandon(staging *st)
{
    interrupted_staging = NULL;
    remove_outputs(st->tmp);
    remove_made(st->made, st->nmade);
}

/* Makes the folders above the target and the hidden folder beside it.
 * Prints why not; -1 then (nothing left behind). */
static int staging_prepare(const outdir *d, staging *st)
{
    memset(st, 0, sizeof *st);
    snprintf(st->tmp, sizeof st->tmp, "%s/.%s.tmp-XXXXXX", d->parent, d->name);
    if (make_parents(d, st->made, &st->nmade, 16) != 0 || !mkdtemp(st->tmp)) {
        int e = errno;
        remove_made(st->made, st->nmade);
        fprintf(stderr, "iaptsim: -o %s: cannot create a folder in %s: %s\n", d->target, d->parent, strerror(e));
        return -1;
    }
    interrupted_staging = st;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_interrupt;
        sigemptyset(&sa.sa_mask);
        /* a signal ignored when we started (nohup, a background job) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
    return 0;
}

/* Writes the outputs into the staging folder and renames it into place:
 * all or nothing. On failure, removes what it made. */
static int write_outputs(const outputs *out, const outdir *d, staging *st)
{
    int (*const fn[NOUT])(FILE *, const void *) = {put_csv, put_years, put_summary, put_scenario};
    int bad = 0;
    interrupted_staging = NULL; /* no longer empty */
    for (int i = 0; i < NOUT && !bad; i++)
        bad = write_file(st->tmp, out_names[i], fn[i], out);
    if (!bad && chmod(st->tmp, 0777 & ~current_umask()) != 0)
        bad = 1;
    bad = bad || install(st->tmp, d) != 0;
    if (bad) {
        int e = errno;
        staging_abandon(st);
        fprintf(stderr, "iaptsim: cannot write results into %s: %s\n", d->target, strerror(e ? e : EIO));
        return -1;
    }
    return 0;
}

/* Set when run has said itself that standard output failed (iapt_exit). */
static int stdout_reported;

int iapt_cmd_run(int argc, char **argv)
{
    run_opts o;
    if (asked_help("run", argc, argv))
        return 0;
    if (parse_run(argc, argv, &o))
        return usage_error("run");
    char dir[PATH_MAX];
    if (o.outdir)
        snprintf(dir, sizeof dir, "%s", o.outdir);
    else
        default_outdir(o.scenario, dir, sizeof dir);
    iapt_scenario sc;
    if (load(o.scenario, &sc))
        return 1;
    if (o.reps > 0 && sc.run.target_half_width > 0 && o.reps > sc.run.max_replications) {
        fprintf(stderr,
                "iaptsim: -r %ld: expected at most run.max_replications (%ld), as run.target_half_width is set (the "
                "run starts with -r replications and adds more up to max_replications)\n",
                o.reps, sc.run.max_replications);
        iapt_scenario_free(&sc);
        return usage_error("run");
    }
    outdir d;
    staging st;
    if (outdir_check(dir, &d) || staging_prepare(&d, &st)) {
        iapt_scenario_free(&sc);
        return 2;
    }
    if (o.reps > 0)
        sc.run.replications = o.reps;
    if (o.seed >= 0)
        sc.run.seed = o.seed;
    if (o.threads >= 0)
        sc.run.threads = o.threads;
    int status = 3;
    iapt_results r = {0};
    iapt_model *m = iapt_model_create(&sc);
    if (!m) {
        fprintf(stderr, "iaptsim: out of memory preparing the model\n");
        staging_abandon(&st);
        goto done;
    }
    r.m = m;
    r.level = sc.run.confidence;
    if (replicate(m, &r) || iapt_results_summarise(&r)) {
        fprintf(stderr, "iaptsim: the run failed (out of memory or a numerical error%s%s)\n",
                sim_gsl_errors() ? ": " : "", sim_gsl_errors() ? sim_gsl_first_error() : "");
        staging_abandon(&st);
        goto done;
    }
    if (!o.quiet)
        iapt_report_table(&r, o.scenario, stdout);
    outputs out = {&r, &sc, o.scenario};
    if (write_outputs(&out, &d, &st))
        goto done;
    status = 0;
    if (!o.quiet) {
        printf("\nwrote %s/results.csv, %s/years.csv, %s/summary.txt, %s/scenario.yaml\n", d.target, d.target,
               d.target, d.target);
        errno = 0;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "iaptsim: cannot write to standard output: %s; the results in %s are complete\n",
                    strerror(errno ? errno : EIO), d.target);
            stdout_reported = 1;
            status = 3;
        }
    }
done:
    iapt_results_free(&r);
    iapt_model_destroy(m);
    iapt_scenario_free(&sc);
    return status;
}

int iapt_exit(int rc, int err)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (!stdout_reported)
            fprintf(stderr, "iaptsim: cannot write to standard output: %s\n", strerror(errno ? errno : err ? err : EIO));
        return rc ? rc : 3;
    }
    return rc;
}
