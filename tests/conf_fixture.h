/*
 * tests/conf_fixture.h: a small but complete scenario schema (a "bank" of
 * teams) used by the scenario-language tests and the fuzz harness. It uses
 * every field type and flag: a run window, a list of named teams with a
 * nested list of staff, an enum, weekdays, distributions, schedules, a
 * nummap of shares that must sum to 100%, a share summed across the team
 * list, references to teams, required keys, nested structs and check
 * callbacks that report through conf_error_at. A second, tiny schema (a
 * rota) has a list keyed by two fields and a list with no key.
 *
 * Everything here is static (each test file gets its own copy) and marked
 * unused so files that need only part of it still compile warning-free.
 * Helpers for temporary directories live here too.
 */
#ifndef TESTS_CONF_FIXTURE_H
#define TESTS_CONF_FIXTURE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/emit.h"
#include "conf/schema.h"

#define FIX_UNUSED __attribute__((unused))

typedef struct bank_staff {
    char *name;
    double wte;
    int grade;
} bank_staff;

typedef struct bank_team {
    char *name;
    double wte;
    unsigned days;
    sim_dist session;
    sim_sched slots;
    double share;
    long rooms;
    conf_reflist backup;
    conf_list staff; /* bank_staff */
} bank_team;

typedef struct bank_demand {
    sim_sched referrals;
    conf_nummap sources;
    conf_nummap team_mix;
    sim_dist wait;
    double growth;
    conf_numlist quantiles;
    sim_dist sessions;
} bank_demand;

typedef struct bank_costs {
    double salary;
    double room_fee;
    double hours;
} bank_costs;

typedef struct bank {
    char *title;
    sim_date start;
    sim_date end;
    sim_date review;
    long seed;
    int verbose;
    double target;
    double dna;
    bank_demand demand;
    bank_costs costs;
    conf_list teams; /* bank_team */
    conf_ref lead;
} bank;

static const char *const bank_grades[] FIX_UNUSED = {"pwp", "hit", "senior", NULL};

#define FIX_INF INFINITY

static const conf_field bank_staff_fields[] FIX_UNUSED = {
    {"name", CONF_STR, CONF_U_NONE, offsetof(bank_staff, name), NULL, NULL, NULL, 1, 0,
     CONF_F_NAME | CONF_F_REQUIRED, NULL, "carol", "Who this is."},
    {"wte", CONF_NUM, CONF_U_WTE, offsetof(bank_staff, wte), NULL, NULL, NULL, 0, 2, CONF_F_REQUIRED, NULL,
     "0.5 wte", "Contracted whole-time equivalents."},
    {"grade", CONF_ENUM, CONF_U_NONE, offsetof(bank_staff, grade), NULL, bank_grades, NULL, 1, 0, 0, "pwp",
     "senior", "Role."},
};

static const conf_schema bank_staff_schema FIX_UNUSED = {
    "staff", sizeof(bank_staff), bank_staff_fields, sizeof bank_staff_fields / sizeof bank_staff_fields[0], NULL,
    "One member of a team."};

static int bank_team_check(conf_ctx *ctx, void *obj, const void *root) FIX_UNUSED;
static int bank_team_check(conf_ctx *ctx, void *obj, const void *root)
{
    (void)root;
    bank_team *t = obj;
    double total = 0;
    for (size_t i = 0; i < t->staff.n; i++)
        total += ((bank_staff *)t->staff.items)[i].wte;
    if (total > t->wte + 1e-9) {
        conf_error_at(ctx, &t->wte, "expected at least the staff's total (%g wte), got %g wte", total, t->wte);
        return -1;
    }
    return 0;
}

static const conf_field bank_team_fields[] FIX_UNUSED = {
    {"name", CONF_STR, CONF_U_NONE, offsetof(bank_team, name), NULL, NULL, NULL, 1, 0,
     CONF_F_NAME | CONF_F_REQUIRED, NULL, "annex", "The team's name."},
    {"wte", CONF_NUM, CONF_U_WTE, offsetof(bank_team, wte), NULL, NULL, NULL, 0, 100, CONF_F_REQUIRED, NULL,
     "4.5 wte", "Funded whole-time equivalents."},
    {"days", CONF_WEEKDAYS, CONF_U_NONE, offsetof(bank_team, days), NULL, NULL, NULL, 1, 0, 0,
     "[mon, tue, wed, thu, fri]", "[mon, wed]", "Days the team sees people."},
    {"session", CONF_DIST, CONF_U_MINUTES, offsetof(bank_team, session), NULL, NULL, NULL, 0, FIX_INF, 0,
     "{dist: lognormal, mean: 45 min, sd: 10 min}", "{dist: triangular, min: 30 min, mode: 45 min, max: 1 hour}",
     "Length of one session."},
    {"slots", CONF_SCHED, CONF_U_PER_MONTH, offsetof(bank_team, slots), NULL, NULL, NULL, 0, FIX_INF,
     CONF_F_RUN_END, "400 per month",
     "[300 per month, {from: 2026-06-01, to: 2026-12-01, value: 500 per month}]", "Appointments offered."},
    {"share", CONF_NUM, CONF_U_FRACTION, offsetof(bank_team, share), NULL, NULL, NULL, 0, 1,
     CONF_F_SUM_100 | CONF_F_REQUIRED, NULL, "60%", "Share of referrals this team takes."},
    {"rooms", CONF_INT, CONF_U_NONE, offsetof(bank_team, rooms), NULL, NULL, NULL, 0, 1000, 0, "1", "3",
     "Clinic rooms."},
    {"backup", CONF_REFLIST, CONF_U_NONE, offsetof(bank_team, backup), NULL, NULL, "teams", 1, 0, 0, "[]",
     "[north]", "Teams that take overflow."},
    {"staff", CONF_LIST, CONF_U_NONE, offsetof(bank_team, staff), &bank_staff_schema, NULL, NULL, 1, 0, 0, NULL,
     NULL, "The people in the team."},
};

static const conf_schema bank_team_schema FIX_UNUSED = {
    "team", sizeof(bank_team), bank_team_fields, sizeof bank_team_fields / sizeof bank_team_fields[0],
    bank_team_check, "A team of clinicians with its own diary."};

static const conf_field bank_demand_fields[] FIX_UNUSED = {
    {"referrals", CONF_SCHED, CONF_U_PER_MONTH, offsetof(bank_demand, referrals), NULL, NULL, NULL, 0, FIX_INF,
     CONF_F_RUN_END, "1200 per month", "[1000 per month, {at: 2026-10-01, value: 1100 per month}]",
     "Referrals received."},
    {"sources", CONF_NUMMAP, CONF_U_FRACTION, offsetof(bank_demand, sources), NULL, NULL, NULL, 0, 1,
     CONF_F_SUM_100, "{gp: 60%, self: 40%}", "{gp: 50%, self: 30%, web: 20%}", "Where referrals come from."},
    {"team_mix", CONF_NUMMAP, CONF_U_FRACTION, offsetof(bank_demand, team_mix), NULL, NULL, "teams", 0, 1,
     CONF_F_REF_KEYS, "{}", "{core: 70%, north: 30%}", "Preferred team by share (assumption)."},
    {"wait", CONF_DIST, CONF_U_DAYS, offsetof(bank_demand, wait), NULL, NULL, NULL, 0, FIX_INF, 0,
     "{dist: gamma, mean: 6 weeks, sd: 2 weeks}", "{dist: lognormal, mean: 30 days, sd: 10 days}",
     "Wait before assessment."},
    {"growth", CONF_NUM, CONF_U_FRACTION_PER_YEAR, offsetof(bank_demand, growth), NULL, NULL, NULL, -1, 1, 0,
     "3% per year", "5% per year", "Yearly growth of referrals."},
    {"quantiles", CONF_NUMLIST, CONF_U_FRACTION, offsetof(bank_demand, quantiles), NULL, NULL, NULL, 0, 1, 0,
     "[50%, 90%]", "[50%, 95%]", "Wait quantiles to report."},
    {"sessions", CONF_DIST, CONF_U_NONE, offsetof(bank_demand, sessions), NULL, NULL, NULL, 1, 50,
     CONF_F_INTEGER, "{dist: empirical, values: [4, 6, 8], weights: [1, 2, 1]}", "{dist: geometric, mean: 6}",
     "Sessions per course."},
};

static const conf_schema bank_demand_schema FIX_UNUSED = {
    "demand", sizeof(bank_demand), bank_demand_fields, sizeof bank_demand_fields / sizeof bank_demand_fields[0],
    NULL, "Who arrives and how much care they need."};

static const conf_field bank_costs_fields[] FIX_UNUSED = {
    {"salary", CONF_NUM, CONF_U_GBP_PER_YEAR, offsetof(bank_costs, salary), NULL, NULL, NULL, 0, FIX_INF, 0,
     "£35,000 per year", "£2,900 per month", "Salary per wte."},
    {"room_fee", CONF_NUM, CONF_U_GBP, offsetof(bank_costs, room_fee), NULL, NULL, NULL, 0, FIX_INF, 0, "£650",
     "£700", "Monthly fee per room."},
    {"hours", CONF_NUM, CONF_U_HOURS_PER_WEEK, offsetof(bank_costs, hours), NULL, NULL, NULL, 0, 60, 0,
     "37.5 hours per week", "1320 min per week", "Hours in one wte."},
};

static const conf_schema bank_costs_schema FIX_UNUSED = {
    "costs", sizeof(bank_costs), bank_costs_fields, sizeof bank_costs_fields / sizeof bank_costs_fields[0], NULL,
    "What things cost."};

static const conf_schema bank_schema;

static int bank_check(conf_ctx *ctx, void *obj, const void *root) FIX_UNUSED;
static int bank_check(conf_ctx *ctx, void *obj, const void *root)
{
    (void)root;
    bank *b = obj;
    char s[11], e[11];
    if (b->end <= b->start) {
        sim_date_format(b->start, s);
        sim_date_format(b->end, e);
        conf_error_at(ctx, &b->end, "expected a date after start (%s), got %s", s, e);
        return -1;
    }
    if (b->target > b->end - b->start) {
        conf_error_at(ctx, &b->target, "expected a target wait shorter than the run (%d days)", b->end - b->start);
        return -1;
    }
    conf_ctx_set_window(ctx, b->start, b->end);
    return conf_check_window(ctx, &bank_schema, obj) ? -1 : 0;
}

static const conf_field bank_fields[] FIX_UNUSED = {
    {"title", CONF_STR, CONF_U_NONE, offsetof(bank, title), NULL, NULL, NULL, 1, 0, 0, "Bank", "Savings bank",
     "Name shown on reports."},
    {"start", CONF_DATE, CONF_U_NONE, offsetof(bank, start), NULL, NULL, NULL, 1, 0, CONF_F_REQUIRED, NULL,
     "2026-05-01", "First day of the run."},
    {"end", CONF_DATE, CONF_U_NONE, offsetof(bank, end), NULL, NULL, NULL, 1, 0, CONF_F_REQUIRED, NULL,
     "2030-03-31", "Last day of the run."},
    {"review", CONF_DATE, CONF_U_NONE, offsetof(bank, review), NULL, NULL, NULL, 1, 0, CONF_F_IN_RUN, "none",
     "2027-01-01", "Date of the service review, if any."},
    {"seed", CONF_INT, CONF_U_NONE, offsetof(bank, seed), NULL, NULL, NULL, 0, 4294967295.0, 0, "1", "42",
     "Random seed."},
    {"verbose", CONF_BOOL, CONF_U_NONE, offsetof(bank, verbose), NULL, NULL, NULL, 1, 0, 0, "false", "true",
     "Print progress."},
    {"target", CONF_NUM, CONF_U_WEEKS, offsetof(bank, target), NULL, NULL, NULL, 0, FIX_INF, 0, "6 weeks",
     "8 weeks", "Target wait to first treatment."},
    {"dna", CONF_NUM, CONF_U_FRACTION, offsetof(bank, dna), NULL, NULL, NULL, 0, 1, 0, "12%", "15%",
     "Share of appointments not attended."},
    {"demand", CONF_STRUCT, CONF_U_NONE, offsetof(bank, demand), &bank_demand_schema, NULL, NULL, 1, 0, 0, NULL,
     NULL, "Demand."},
    {"costs", CONF_STRUCT, CONF_U_NONE, offsetof(bank, costs), &bank_costs_schema, NULL, NULL, 1, 0, 0, NULL, NULL,
     "Costs."},
    {"teams", CONF_LIST, CONF_U_NONE, offsetof(bank, teams), &bank_team_schema, NULL, NULL, 1, 0, 0, NULL, NULL,
     "The teams."},
    {"lead", CONF_REF, CONF_U_NONE, offsetof(bank, lead), NULL, NULL, "teams", 1, 0, 0, NULL, "north",
     "The team that leads, if any."},
};

static const conf_schema bank_schema FIX_UNUSED = {
    "bank", sizeof(bank), bank_fields, sizeof bank_fields / sizeof bank_fields[0], bank_check,
    "A bank of teams serving one area: the test scenario for the scenario language."};

/* ---- a rota: lists keyed by fields, and a list with no key ---- */

typedef struct rota_shift {
    int day;    /* key, with room */
    char *room; /* key; default "main" */
    double hours;
} rota_shift;

typedef struct rota_note {
    char *text;
} rota_note;

typedef struct rota {
    conf_list shifts; /* rota_shift */
    conf_list notes;  /* rota_note */
} rota;

static const char *const rota_days[] FIX_UNUSED = {"mon", "tue", "wed", NULL};

static const conf_field rota_shift_fields[] FIX_UNUSED = {
    {"day", CONF_ENUM, CONF_U_NONE, offsetof(rota_shift, day), NULL, rota_days, NULL, 1, 0,
     CONF_F_KEY | CONF_F_REQUIRED, NULL, "tue", "Day of the shift."},
    {"room", CONF_STR, CONF_U_NONE, offsetof(rota_shift, room), NULL, NULL, NULL, 1, 0, CONF_F_KEY, "main",
     "annex", "Where."},
    {"hours", CONF_NUM, CONF_U_NONE, offsetof(rota_shift, hours), NULL, NULL, NULL, 0, 24, 0, "8", "6",
     "Length."},
};

static const conf_schema rota_shift_schema FIX_UNUSED = {
    "shift", sizeof(rota_shift), rota_shift_fields, sizeof rota_shift_fields / sizeof rota_shift_fields[0], NULL,
    "One shift, keyed by day and room."};

static const conf_field rota_note_fields[] FIX_UNUSED = {
    {"text", CONF_STR, CONF_U_NONE, offsetof(rota_note, text), NULL, NULL, NULL, 1, 0, CONF_F_REQUIRED, NULL, "x",
     "A note."},
};

static const conf_schema rota_note_schema FIX_UNUSED = {
    "note", sizeof(rota_note), rota_note_fields, sizeof rota_note_fields / sizeof rota_note_fields[0], NULL,
    "A note, with no key."};

static const conf_field rota_fields[] FIX_UNUSED = {
    {"shifts", CONF_LIST, CONF_U_NONE, offsetof(rota, shifts), &rota_shift_schema, NULL, NULL, 1, 0, 0, NULL, NULL,
     "Shifts."},
    {"notes", CONF_LIST, CONF_U_NONE, offsetof(rota, notes), &rota_note_schema, NULL, NULL, 1, 0, 0, NULL, NULL,
     "Notes."},
};

static const conf_schema rota_schema FIX_UNUSED = {
    "rota", sizeof(rota), rota_fields, sizeof rota_fields / sizeof rota_fields[0], NULL,
    "A rota: the test schema for lists keyed by fields and lists with no key."};

/* ---- helpers ---- */

/* Criterion suite init: run from the source tree whatever ctest's cwd. */
static inline void fix_chdir_root(void)
{
    if (chdir(IAPTSIM_SOURCE_DIR) != 0)
        abort();
}

/* A fresh temporary directory (caller frees the string, removes the dir). */
static inline char *fix_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *t = malloc(4096);
    if (!t)
        return NULL;
    snprintf(t, 4096, "%s/iaptsim-conf-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(t)) {
        free(t);
        return NULL;
    }
    return t;
}

/* Writes len bytes to dir/name; returns the malloc'd path or NULL. */
static inline char *fix_write(const char *dir, const char *name, const char *data, size_t len)
{
    char *p = malloc(4096);
    if (!p)
        return NULL;
    snprintf(p, 4096, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

/* Removes every file in dir, then dir. */
static inline void fix_rmdir(const char *dir, const char *const *names, size_t n)
{
    char p[4096];
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* emit into a malloc'd string (NULL on failure). */
static inline char *fix_emit(const conf_schema *s, const void *obj)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    int r = conf_emit(f, s, obj);
    fclose(f);
    if (r) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* All error messages joined by newlines (malloc'd). */
static inline char *fix_errors(const conf_ctx *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    conf_print_errors(ctx, f);
    fclose(f);
    return buf;
}

/* The first message of ctx without a location, or NULL if every one has
 * one: each starts with one of the file names `names` and a line and
 * column ("name:12:3: "), except messages about the file as a whole
 * ("name: empty scenario: ...") and the two that belong to no file ("too
 * many errors; stopping", "out of memory"). The invariant every error
 * path keeps. */
static inline const char *fix_unlocated_in(const conf_ctx *ctx, const char *const *names, size_t nnames)
{
    static const char *const whole_file[] = {"empty scenario", "file is too large", "cannot open", "binary file"};
    for (size_t i = 0; i < conf_error_count(ctx); i++) {
        const char *m = conf_error_text(ctx, i), *p;
        if (strcmp(m, "too many errors; stopping") == 0 || strcmp(m, "out of memory") == 0)
            continue;
        size_t f = 0, len = 0;
        while (f < nnames && !(len = strlen(names[f]), strncmp(m, names[f], len) == 0 && m[len] == ':'))
            f++;
        if (f == nnames)
            return m;
        p = m + len;
        int line = 0, col = 0, used = 0;
        if (sscanf(p, ":%d:%d: %n", &line, &col, &used) == 2 && used > 0 && line > 0 && col > 0)
            continue;
        size_t k = 0;
        while (k < sizeof whole_file / sizeof whole_file[0] &&
               strncmp(p + 2, whole_file[k], strlen(whole_file[k])) != 0)
            k++;
        if (p[1] != ' ' || k == sizeof whole_file / sizeof whole_file[0])
            return m;
    }
    return NULL;
}

/* As fix_unlocated_in, for messages that must all be in file `name`. */
static inline const char *fix_unlocated(const conf_ctx *ctx, const char *name)
{
    return fix_unlocated_in(ctx, &name, 1);
}

/* The base a fuzzed variant extends (tests/fuzz/fuzz_extends.c, and its
 * regression replay): the LTC scenario, which extends the default one, so
 * every input is merged over a chain of two files with every kind of list
 * (named items, items keyed by fields, items with no key). */
#define FIX_VARIANT_BASE "ltc-backfill.yaml"
#define FIX_VARIANT_BASE_OF_BASE "default.yaml"

/* "extends: <FIX_VARIANT_BASE>\n" followed by the n bytes of data (the
 * fuzzed variant's own keys), malloc'd, its length in *len. */
static inline char *fix_variant_text(const uint8_t *data, size_t n, size_t *len)
{
    static const char head[] = "extends: " FIX_VARIANT_BASE "\n";
    char *t = malloc(sizeof head - 1 + n + 1);
    if (!t)
        return NULL;
    memcpy(t, head, sizeof head - 1);
    if (n)
        memcpy(t + sizeof head - 1, data, n);
    *len = sizeof head - 1 + n;
    t[*len] = '\0';
    return t;
}

#endif
