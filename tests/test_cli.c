/*
 * tests/test_cli.c: the iaptsim program itself ($IAPTSIM_BIN, set by
 * tests/CMakeLists.txt): exit statuses of check, show and run on good and
 * bad input; run writes its four files all or nothing and leaves nothing
 * behind on error (no files, no temporary or empty folders); -r, -s and -j
 * take the scenario keys' own limits; an output path that is a file, or
 * lies under one, or cannot be made, is refused before anything runs; an
 * interrupted run leaves nothing; write errors (a full device, a file size
 * limit) exit non-zero, and a standard output that fails after the files
 * are in place keeps them; help for every command; usage errors say what
 * was wrong; the summary's tables are aligned; intervals lie within their
 * measure's range. Each command runs in a shell with its output captured
 * to files in a fresh temporary folder.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "app/report.h"
#include "conf_fixture.h"
#include "models/scenario.h"

TestSuite(cli, .init = fix_chdir_root);

#define BASE "tests/data/scenario/base.yaml"

typedef struct ran {
    int status;     /* exit status, or -1 if killed */
    char *out, *err; /* captured (malloc'd) */
} ran;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, m);
    if (f)
        fclose(f);
    fclose(m);
    return buf;
}

/* Runs `sh -c "<prefix> iaptsim <args>"` with stdout to `out_to` (NULL:
 * captured) and stderr captured; tmp is a scratch folder. */
static ran run_in(const char *tmp, const char *prefix, const char *args, const char *out_to)
{
    const char *bin = getenv("IAPTSIM_BIN");
    if (!bin)
        cr_skip_test("IAPTSIM_BIN is not set (run through ctest)");
    char out[4200], err[4200], cmd[16384];
    snprintf(out, sizeof out, "%s/.stdout", tmp);
    snprintf(err, sizeof err, "%s/.stderr", tmp);
    snprintf(cmd, sizeof cmd, "%s \"%s\" %s > %s 2> %s", prefix ? prefix : "", bin, args, out_to ? out_to : out, err);
    int w = system(cmd);
    ran r = {WIFEXITED(w) ? WEXITSTATUS(w) : -1, slurp(out), slurp(err)};
    unlink(out);
    unlink(err);
    return r;
}

static ran run(const char *tmp, const char *args) { return run_in(tmp, NULL, args, NULL); }

static void ran_free(ran *r)
{
    free(r->out);
    free(r->err);
}

/* The names in folder dir, sorted, joined by spaces ("" if empty, "-" if
 * it does not exist). */
static char *listing(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (n < 0)
        fputs("-", m);
    for (int i = 0, first = 1; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
            fprintf(m, "%s%s", first ? "" : " ", names[i]->d_name);
            first = 0;
        }
        free(names[i]);
    }
    free(n >= 0 ? names : NULL);
    fclose(m);
    return buf;
}

static void assert_listing(const char *dir, const char *want)
{
    char *got = listing(dir);
    cr_assert_str_eq(got, want, "contents of %s", dir);
    free(got);
}

/* Removes a scratch folder tree (what these tests create: two levels). */
static void rm_tree(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(cli, check)
{
    char *tmp = fix_tmpdir();
    ran r = run(tmp, "check " BASE);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, BASE ": ok (1 pathway, 2 teams, 2 staff groups, 1 cohort)\n");
    cr_assert_str_eq(r.err, "");
    ran_free(&r);
    r = run(tmp, "check " BASE " tests/data/scenario/routing.yaml tests/data/scenario/nothing.yaml");
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, BASE ": ok (1 pathway, 2 teams, 2 staff groups, 1 cohort)\n");
    cr_assert_str_eq(r.err, "tests/data/scenario/routing.yaml:5:14: pathways[core].sources: shares must sum to 100%, "
                            "got 110%\n"
                            "tests/data/scenario/routing.yaml:6:28: pathways[core].assessment.to_step2: expected "
                            "to_step2 + to_step3 + to_step2_then_3 + signposted to sum to 100%, got 60% + 30% + 0% + "
                            "20% = 110%\n"
                            "tests/data/scenario/nothing.yaml: cannot open: No such file or directory\n");
    ran_free(&r);
    r = run(tmp, "check scenarios/default.yaml scenarios/ltc-backfill.yaml");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "scenarios/default.yaml: ok (1 pathway, 1 team, 5 staff groups, 6 cohorts)\n"
                            "scenarios/ltc-backfill.yaml: ok (3 pathways, 2 teams, 6 staff groups, 9 cohorts)\n");
    ran_free(&r);
    r = run(tmp, "frobnicate");
    cr_assert_eq(r.status, 2);
    cr_assert(strncmp(r.err, "iaptsim: unknown command \"frobnicate\"\n", 38) == 0, "%s", r.err);
    ran_free(&r);
    rm_tree(tmp);
    free(tmp);
}

/* help, --help and -h for every command: its usage and options on
 * standard output, exit 0. */
Test(cli, help)
{
    char *tmp = fix_tmpdir(), args[64];
    static const char *const cmds[] = {"run", "check", "show", "schema", "measures", "help"};
    static const char *const forms[][2] = {{"help ", ""}, {"", " --help"}, {"", " -h"}}; /* before, after */
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
            snprintf(args, sizeof args, "%s%s%s", forms[k][0], cmds[i], forms[k][1]);
            ran r = run(tmp, args);
            char want[64];
            snprintf(want, sizeof want, "usage: iaptsim %s", cmds[i]);
            cr_assert_eq(r.status, 0, "%s: %s", args, r.err);
            cr_assert_str_eq(r.err, "", "%s", args);
            cr_assert(!strncmp(r.out, want, strlen(want)) || (!strcmp(cmds[i], "help") && k > 0),
                      "%s:\n%s", args, r.out);
            ran_free(&r);
        }
    ran r = run(tmp, "run scenarios/default.yaml -r 5 --help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "  -o, --output DIR "), "%s", r.out);
    cr_assert(strstr(r.out, "\nExit status: "), "%s", r.out);
    ran_free(&r);
    static const char *const overview[] = {"help", "--help", "-h", "help -h"};
    for (size_t i = 0; i < sizeof overview / sizeof overview[0]; i++) {
        r = run(tmp, overview[i]);
        cr_assert_eq(r.status, 0, "%s", overview[i]);
        cr_assert(!strncmp(r.out, "usage: iaptsim run SCENARIO", 27), "%s:\n%s", overview[i], r.out);
        cr_assert(strstr(r.out, "(default out/NAME, NAME the scenario file's\n"), "%s", r.out);
        ran_free(&r);
    }
    r = run(tmp, "help frob");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "iaptsim: help: unknown command \"frob\"\nusage: iaptsim help [COMMAND]\n");
    ran_free(&r);
    r = run(tmp, "help run show");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "iaptsim: help takes one command, got 2 arguments\nusage: iaptsim help [COMMAND]\n");
    ran_free(&r);
    rm_tree(tmp);
    free(tmp);
}

/* Wrong arguments say what was wrong before the usage. */
Test(cli, usage_errors_say_what_was_wrong)
{
    char *tmp = fix_tmpdir();
    static const char *const cases[][2] = {
        {"check", "iaptsim: check needs a scenario file\nusage: iaptsim check SCENARIO...\n"
                  "(iaptsim help check says more)\n"},
        {"schema extra", "iaptsim: schema takes no arguments, got \"extra\"\nusage: iaptsim schema\n"
                         "(iaptsim help schema says more)\n"},
        {"measures extra", "iaptsim: measures takes no arguments, got \"extra\"\nusage: iaptsim measures\n"
                           "(iaptsim help measures says more)\n"},
        {"show a.yaml b.yaml", "iaptsim: show takes one scenario file, got 2: \"a.yaml\", \"b.yaml\"\n"
                               "usage: iaptsim show SCENARIO\n(iaptsim help show says more)\n"},
        {"show", "iaptsim: show needs a scenario file\nusage: iaptsim show SCENARIO\n(iaptsim help show says more)\n"},
        {"run", "iaptsim: run needs a scenario file\nusage: iaptsim run SCENARIO [-o DIR] [-r REPLICATIONS] [-s SEED] "
                "[-j THREADS] [-q]\n(iaptsim help run says more)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ran r = run(tmp, cases[i][0]);
        cr_assert_eq(r.status, 2, "%s", cases[i][0]);
        cr_assert_str_eq(r.out, "", "%s", cases[i][0]);
        cr_assert_str_eq(r.err, cases[i][1], "%s", cases[i][0]);
        ran_free(&r);
    }
    ran r = run(tmp, "");
    cr_assert_eq(r.status, 2);
    cr_assert(!strncmp(r.err, "iaptsim: which command?\nusage: iaptsim run ", 43), "%s", r.err);
    ran_free(&r);
    rm_tree(tmp);
    free(tmp);
}

Test(cli, show)
{
    char *tmp = fix_tmpdir();
    ran r = run(tmp, "show " BASE);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* What show prints is a scenario that prints the same. */
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario sc;
    cr_assert_eq(conf_load_buffer(ctx, &iapt_scenario_schema, "shown", r.out, strlen(r.out), NULL, &sc), 0);
    char *again = fix_emit(&iapt_scenario_schema, &sc);
    cr_assert_str_eq(again, r.out);
    free(again);
    iapt_scenario_free(&sc);
    conf_ctx_destroy(ctx);
    ran_free(&r);
    r = run(tmp, "show tests/data/scenario/run_order.yaml");
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, "", "nothing printed for a bad scenario");
    cr_assert_str_eq(r.err, "tests/data/scenario/run_order.yaml:2:12: run.end: expected the run to end on or after "
                            "its start, got start 2026-04-01 and end 2026-01-01\n");
    ran_free(&r);
    rm_tree(tmp);
    free(tmp);
}

Test(cli, run_writes_four_files, .timeout = 120)
{
    char *tmp = fix_tmpdir(), args[4400], dir[2048];
    snprintf(dir, sizeof dir, "%s/out/a", tmp);
    snprintf(args, sizeof args, "run " BASE " -o %s/ -r 1 -q", dir);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "", "-q prints nothing");
    ran_free(&r);
    assert_listing(dir, "results.csv scenario.yaml summary.txt years.csv");
    char sub[4300];
    snprintf(sub, sizeof sub, "%s/out", tmp);
    assert_listing(sub, "a");

    /* The effective scenario written is what show prints, with -r applied. */
    snprintf(sub, sizeof sub, "%s/scenario.yaml", dir);
    char *written = slurp(sub);
    r = run(tmp, "show " BASE);
    char *want = r.out, *at = strstr(want, "  replications: 2\n");
    cr_assert_not_null(at);
    memcpy(at, "  replications: 1\n", 18);
    cr_assert_str_eq(written, want);
    free(written);
    ran_free(&r);

    /* A second run replaces the results and keeps other files. */
    snprintf(sub, sizeof sub, "%s/notes.txt", dir);
    free(fix_write(dir, "notes.txt", "mine\n", 5));
    snprintf(args, sizeof args, "run " BASE " --output=%s -r1 --seed 9 -j1", dir);
    r = run(tmp, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\nwrote "), "%s", r.out);
    ran_free(&r);
    assert_listing(dir, "notes.txt results.csv scenario.yaml summary.txt years.csv");
    snprintf(sub, sizeof sub, "%s/out", tmp);
    assert_listing(sub, "a");
    snprintf(sub, sizeof sub, "%s/scenario.yaml", dir);
    written = slurp(sub);
    cr_assert(strstr(written, "  seed: 9\n"), "the new results are in place");
    free(written);
    rm_tree(tmp);
    free(tmp);
}

/* The financial-year table as CSV; with several pathways, each one's
 * rows in it and in the summary; with wait responses, the referrals lost
 * in all and by responding source in both, and a monthly table of them; a
 * summary without posts or staff says so instead of printing an empty
 * workforce table, and one without wait responses has no lost referrals. */
Test(cli, yearly_csv_and_pathway_tables, .timeout = 120)
{
    char *tmp = fix_tmpdir(), args[4400], sub[4300];
    snprintf(args, sizeof args, "run tests/data/model/small_ltc.yaml -o %s/ltc -r 2 -q", tmp);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    ran_free(&r);
    snprintf(sub, sizeof sub, "%s/ltc/years.csv", tmp);
    char *years = slurp(sub);
    cr_assert(!strncmp(years, "year,months,measure,group,mean,ci_low,ci_high,n\n2026/27,12,referrals,all,", 73),
              "%.200s", years);
    const char *rows[] = {"\n2026/27,12,within_6_weeks,pathway:core,",
                          "\n2027/28,12,step_wait_mean,pathway:core/step:3,",
                          "\n2028/29,6,staff_cost,all,", "\n2026/27,12,entered_treatment,pathway:diabetes,",
                          "\n2026/27,12,training_days_lost,all,0,0,0,2\n",
                          "\n2026/27,12,referrals,all,", "\n2026/27,12,referrals_lost,all,",
                          "\n2027/28,12,referrals_lost,source:gp,",
                          "\n2028/29,6,referrals_lost,source:physical_health,", "\n2026/27,12,access_annualised,all,",
                          "\n2026/27,12,step_up_share,all,", "\n2026/27,12,wait_p90,all,",
                          "\n2026/27,12,hidden_wait_median,all,", "\n2026/27,12,hidden_wait_mean,all,",
                          "\n2026/27,12,diary_utilisation,grade:pwp,", "\n2026/27,12,caseload_utilisation,all,",
                          "\n2026/27,12,dropouts,stage:first_to_second_after_step_up,",
                          "\n2026/27,12,dropouts,stage:waiting_reallocation,", "\n2026/27,12,dnas,all,",
                          "\n2027/28,12,headcount_year_end,team:ltc/grade:hit,",
                          "\n2026/27,12,supervision_time_share,team:core/grade:senior,",
                          "\n2028/29,6,supervision_given,grade:senior,", "\n2026/27,12,caseload_per_wte,all,"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_assert(strstr(years, rows[i]), "years.csv has no line starting %s", rows[i] + 1);
    free(years);
    snprintf(sub, sizeof sub, "%s/ltc/summary.txt", tmp);
    char *summary = slurp(sub);
    cr_assert(strstr(summary, "\nby pathway: people entering treatment, share within the 6-week standard"));
    cr_assert(strstr(summary, "\ncore: within 6 weeks (%) "));
    cr_assert(strstr(summary, "\ndiabetes: step 3 mean wait (days) "));
    cr_assert(strstr(summary, "\nreferrals made and lost to long waits (sources with a wait_response"));
    cr_assert(strstr(summary, "\nreferrals                         ") &&
              strstr(summary, "\nreferrals lost to long waits      ") && strstr(summary, "\n  gp: referrals lost    ") &&
              strstr(summary, "\n  physical_health: referrals lost "));
    const char *lines[] = {"\naccess, annualised (%) ", "\nmissed appointments (DNAs) ", "\n  waiting for assessment ",
                           "\n  first to second session ", "\n  first to second, after step-up ",
                           "\n  waiting for reallocation "};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_assert(strstr(summary, lines[i]), "the financial-year table has no line starting%s", lines[i]);
    cr_assert(!strstr(summary, "\nwait p90 (days) "), "years.csv only");
    cr_assert(strstr(summary, "\nworkforce by team and grade, 2026/27 "));
    cr_assert(strstr(summary, "\nworkforce by team and grade, 2028/29 (part) "));
    cr_assert(strstr(summary, "\n  team:ltc/grade:hit "));
    free(summary);

    snprintf(args, sizeof args, "run tests/data/model/zero_staff.yaml -o %s/none -r 1 -q", tmp);
    r = run(tmp, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    ran_free(&r);
    snprintf(sub, sizeof sub, "%s/none/summary.txt", tmp);
    summary = slurp(sub);
    cr_assert(strstr(summary, "\nworkforce by team and grade: no funded posts, staff or trainees\n"));
    cr_assert_null(strstr(summary, "\nworkforce by team and grade, "));
    cr_assert_null(strstr(summary, "\nby pathway:"), "one pathway: no pathway table");
    cr_assert_null(strstr(summary, "lost to long waits"), "no wait response: no lost referrals");
    free(summary);
    snprintf(sub, sizeof sub, "%s/none/years.csv", tmp);
    years = slurp(sub);
    cr_assert_null(strstr(years, "referrals_lost"));
    free(years);
    rm_tree(tmp);
    free(tmp);
}

/* Display columns of n bytes of UTF-8 text (the summary holds ASCII and
 * "±"): one per character. */
static int columns(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* The length of the "±half", "+half", "-half" or "(lo-hi)" after a cell's
 * mean at s (0 if none). */
static size_t half_part(const char *s)
{
    size_t i = !strncmp(s, "\xc2\xb1", 2) ? 2 : (*s == '+' || *s == '-' || *s == '(') ? 1 : 0;
    size_t digits = strspn(s + i, "0123456789.-");
    if (!i || !digits)
        return 0;
    if (*s == '(')
        return s[i + digits] == ')' ? i + digits + 1 : 0;
    return i + digits;
}

/* A cell of a table: a number with or without its interval, "-" for none,
 * or a mark (+, -, ?) after one; its trailing "*" (fewer replications) is
 * not part of its column boundary. */
static int is_cell(const char *tok, size_t n)
{
    if (n && tok[n - 1] == '*')
        n--;
    if (n == 1 && strchr("+-?", tok[0]))
        return 1;
    size_t i = strspn(tok, "0123456789.");
    if (i == 0 || i > n)
        return 0;
    return i == n || (tok[i] == ' ' && i + 1 + half_part(tok + i + 1) == n);
}

/* Checks one table (lines [first, last] of the summary): every line has
 * the same display width, and the cells of every line end on the same
 * column boundaries: cells are right-aligned in fixed-width columns, so
 * two different cell ends one column apart mean a row drifted. */
static void check_table(char **lines, int first, int last)
{
    int width = columns(lines[first], strlen(lines[first]));
    char ends[1024] = {0};
    for (int i = first; i <= last; i++) {
        const char *l = lines[i];
        size_t len = strlen(l);
        cr_assert_eq(columns(l, len), width, "line %d is %d columns wide, the table's first line %d:\n%s\n%s", i + 1,
                     columns(l, len), width, lines[first], l);
        /* tokens: runs of non-spaces, a number joined to its interval; a
         * cell follows two spaces or another cell (a label's words, like
         * the 6 of "within 6 weeks", follow one) */
        int after_cell = 0;
        for (size_t a = 0; a < len;) {
            size_t gap = a;
            while (a < len && l[a] == ' ')
                a++;
            size_t b = a;
            while (b < len && (l[b] != ' ' || (b > a && isdigit((unsigned char)l[b - 1]) && half_part(l + b + 1))))
                b++;
            after_cell = b > a && (a - gap >= 2 || after_cell) && is_cell(l + a, b - a);
            if (after_cell) {
                int end = columns(l, b) - (l[b - 1] == '*');
                cr_assert_lt(end, (int)sizeof ends);
                ends[end] = 1;
            }
            a = b;
        }
    }
    for (int c = 1; c < (int)sizeof ends; c++)
        cr_assert(!(ends[c] && ends[c - 1]), "cells end at columns %d and %d in the table of lines %d-%d:\n%s\n%s",
                  c - 1, c, first + 1, last + 1, lines[first], lines[last]);
}

/* Every table of the summary has its columns aligned in display columns
 * ("±" is two bytes), for the LTC scenario (sites, several pathways). */
Test(cli, summary_columns_aligned, .timeout = 120)
{
    char *tmp = fix_tmpdir(), args[4400], sub[4300];
    snprintf(args, sizeof args, "run scenarios/ltc-backfill.yaml -o %s/o -r 3 -q", tmp);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    ran_free(&r);
    snprintf(sub, sizeof sub, "%s/o/summary.txt", tmp);
    char *summary = slurp(sub), *lines[4096];
    int n = 0;
    for (char *l = summary; l && *l && n < 4096;) {
        lines[n++] = l;
        l = strchr(l, '\n');
        if (l)
            *l++ = '\0';
    }
    static const char *const heads[] = {"month ", "financial year ", "workforce flows ", "rooms: ",
                                        "workforce by team and grade, "};
    int tables = 0;
    for (int i = 0; i < n; i++) {
        int head = 0;
        for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
            head |= strncmp(lines[i], heads[k], strlen(heads[k])) == 0;
        if (!head)
            continue;
        /* the table runs to a blank line or its footnotes (indented by two
         * spaces, unlike a team's row) */
        int last = i;
        while (last + 1 < n && lines[last + 1][0] &&
               (strncmp(lines[last + 1], "  ", 2) != 0 || lines[last + 1][2] == ' ' ||
                strncmp(lines[last + 1], "  team:", 7) == 0))
            last++;
        check_table(lines, i, last);
        tables++;
        i = last;
    }
    cr_assert_geq(tables, 10, "monthly, lists, waits, pathways, load, year, workforce flows, 3 room tables, workforce");
    for (int i = 0; i < n; i++)
        cr_assert(strncmp(lines[i], "  site:", 7) != 0, "line %d: a site in the workforce table: %s", i + 1, lines[i]);
    free(summary);
    rm_tree(tmp);
    free(tmp);
}

/* The mean of years.csv's row for (year, measure, group) in `years`. */
static double year_mean(const char *years, const char *year, const char *measure, const char *group)
{
    char key[256];
    snprintf(key, sizeof key, "\n%s,12,%s,%s,", year, measure, group);
    const char *at = strstr(years, key);
    cr_assert_not_null(at, "years.csv has no row %s", key + 1);
    return strtod(at + strlen(key), NULL);
}

/* The yearly workforce by team and grade: year-end stocks, the mean of
 * the months' supervision hours, and time shares over the year's
 * contracted clinic time. In supervisor_diary.yaml the school senior gives
 * 5 hours a week from September 2026 (7 of 2026/27's months), 60 of their
 * 240 minutes on each of the 152 clinic days from September to March,
 * against 261 in the year; the four HIT trainees need 12 hours. */
Test(cli, yearly_workforce_by_team_and_grade, .timeout = 120)
{
    char *tmp = fix_tmpdir(), args[4400], sub[4300];
    snprintf(args, sizeof args, "run tests/data/workforce/supervisor_diary.yaml -o %s/o -r 2 -q", tmp);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    ran_free(&r);
    snprintf(sub, sizeof sub, "%s/o/years.csv", tmp);
    char *years = slurp(sub);
    const char *senior = "team:school/grade:senior", *hit = "team:school/grade:hit";
    cr_assert_float_eq(year_mean(years, "2026/27", "supervision_given", senior), 5.0 * 7 / 12, 1e-9);
    cr_assert_float_eq(year_mean(years, "2026/27", "supervision_available", senior), 5, 1e-9);
    cr_assert_float_eq(year_mean(years, "2026/27", "supervision_required", hit), 12.0 * 7 / 12, 1e-9);
    cr_assert_float_eq(year_mean(years, "2026/27", "supervision_time_share", senior), 25.0 * 152 / 261, 1e-8);
    cr_assert_float_eq(year_mean(years, "2026/27", "headcount_year_end", senior), 1, 1e-9);
    cr_assert_float_eq(year_mean(years, "2026/27", "wte_trainee_year_end", hit), 4, 1e-9);
    cr_assert_float_eq(year_mean(years, "2027/28", "supervision_given", senior), 5.0 * 4 / 12, 1e-9,
                       "the trainees qualify on 31 August 2027, 52 weeks on: April to July");
    free(years);
    snprintf(sub, sizeof sub, "%s/o/summary.txt", tmp);
    char *summary = slurp(sub);
    cr_assert(strstr(summary, "\nworkforce by team and grade, 2027/28 "));
    cr_assert(strstr(summary, "\n  team:school/grade:senior "));
    free(summary);
    rm_tree(tmp);
    free(tmp);
}

/* Each row of a CSV file as its comma-separated fields (at most 16);
 * returns the number of fields, 0 at the end. */
static int csv_row(char **cur, char *f[16])
{
    char *l = *cur;
    if (!l || !*l)
        return 0;
    char *end = strchr(l, '\n');
    if (end)
        *end = '\0';
    *cur = end ? end + 1 : NULL;
    int n = 0;
    for (char *save = NULL, *t = strtok_r(l, ",", &save); t && n < 16; t = strtok_r(NULL, ",", &save))
        f[n++] = t;
    return n;
}

/* Intervals in results.csv and years.csv lie within their measure's range
 * (counts, days, WTE, GBP at least 0; shares of a whole at most 100%)
 * around an unchanged mean, n counts the replications with a value, and
 * the summary marks a value from fewer than all replications with "*". */
Test(cli, intervals_within_range_and_counted, .timeout = 120)
{
    char *tmp = fix_tmpdir(), args[4400], sub[4300];
    snprintf(args, sizeof args, "run scenarios/ltc-backfill.yaml -o %s/o -r 3 -q", tmp);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    ran_free(&r);
    snprintf(sub, sizeof sub, "%s/o/results.csv", tmp);
    char *csv = slurp(sub), *cur = csv, *f[16], partial_month[8] = "";
    cr_assert_eq(csv_row(&cur, f), 7);
    cr_assert_str_eq(f[6], "n");
    size_t rows = 0, cut = 0;
    while (csv_row(&cur, f)) {
        int m = 0;
        while (m < IAPT_NMEASURES && strcmp(iapt_measure_catalogue[m].name, f[1]) != 0)
            m++;
        cr_assert_lt(m, IAPT_NMEASURES, "unknown measure %s", f[1]);
        double lo, hi;
        iapt_measure_range(m, &lo, &hi);
        long n = strtol(f[6], NULL, 10);
        cr_assert(n >= 0 && n <= 3, "%s %s %s: n %ld of 3 replications", f[0], f[1], f[2], n);
        cr_assert_eq(n == 0, strcmp(f[3], "NA") == 0, "%s %s %s: n %ld, mean %s", f[0], f[1], f[2], n, f[3]);
        if (n == 0)
            continue;
        double mean = strtod(f[3], NULL), a = strtod(f[4], NULL), b = strtod(f[5], NULL);
        cr_assert(lo <= a && a <= mean && mean <= b && b <= hi, "%s %s %s: %g in [%g, %g], range [%g, %g]", f[0], f[1],
                  f[2], mean, a, b, lo, hi);
        cut += a == lo || b == hi;
        rows++;
        if (!partial_month[0] && n < 3 && !strcmp(f[1], "step_wait_mean") && !strcmp(f[2], "pathway:diabetes/step:3"))
            snprintf(partial_month, sizeof partial_month, "%s", f[0]);
    }
    cr_assert_gt(rows, 10000);
    cr_assert_gt(cut, 0, "some intervals are cut at their range");
    free(csv);

    snprintf(sub, sizeof sub, "%s/o/years.csv", tmp);
    csv = cur = slurp(sub);
    cr_assert_eq(csv_row(&cur, f), 8);
    cr_assert_str_eq(f[7], "n");
    static const char *const shares[] = {"within_6_weeks", "within_18_weeks", "recovery_rate", "dna_rate",
                                         "reliable_improvement_rate", "finished_per_person_treated"};
    while (csv_row(&cur, f)) {
        if (!strcmp(f[4], "NA"))
            continue;
        double mean = strtod(f[4], NULL), a = strtod(f[5], NULL), b = strtod(f[6], NULL);
        cr_assert(0 <= a && a <= mean && mean <= b, "%s %s %s: %g in [%g, %g]", f[0], f[2], f[3], mean, a, b);
        for (size_t i = 0; i < sizeof shares / sizeof shares[0]; i++)
            cr_assert(strcmp(f[2], shares[i]) != 0 || b <= 100, "%s %s %s: ci_high %g", f[0], f[2], f[3], b);
    }
    free(csv);

    /* diabetes step 3 waits start with few people: a month with them in
     * fewer than all replications is marked in the pathway table */
    cr_assert(partial_month[0], "a month with diabetes step 3 waits in fewer than all replications");
    snprintf(sub, sizeof sub, "%s/o/summary.txt", tmp);
    char *summary = slurp(sub), *table = strstr(summary, "\nby pathway: people entering treatment"), line[16];
    cr_assert_not_null(table);
    snprintf(line, sizeof line, "\n%s ", partial_month);
    char *at = strstr(table, line), *eol = at ? strchr(at + 1, '\n') : NULL;
    cr_assert(at && eol && memchr(at, '*', (size_t)(eol - at)), "%s: no * in\n%.300s", partial_month, at ? at : "");
    char *note = strstr(eol, "\n  *: from fewer than all replications"), *next = strstr(eol, "\n\n");
    cr_assert(note && next && note < next, "the footnote follows the table");
    free(summary);
    rm_tree(tmp);
    free(tmp);
}

Test(cli, bad_input_writes_nothing)
{
    char *tmp = fix_tmpdir(), args[4400];
    snprintf(args, sizeof args, "run tests/data/scenario/checks.yaml -o %s/new/folder", tmp);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, "");
    cr_assert(strstr(r.err, "checks.yaml:7:15: service.dropout_waiting[1].after"), "%s", r.err);
    ran_free(&r);
    assert_listing(tmp, "");

    snprintf(args, sizeof args, "run tests/data/scenario/nothing.yaml -o %s/new", tmp);
    r = run(tmp, args);
    cr_assert_eq(r.status, 1);
    ran_free(&r);
    assert_listing(tmp, "");
    rm_tree(tmp);
    free(tmp);
}

Test(cli, option_limits_are_the_scenario_limits)
{
    char *tmp = fix_tmpdir(), args[4400];
    static const char *const cases[][2] = {
        {"-r 0", "iaptsim: -r: expected a whole number between 1 and 100000 (like run.replications), got \"0\"\n"},
        {"-r 1000000",
         "iaptsim: -r: expected a whole number between 1 and 100000 (like run.replications), got \"1000000\"\n"},
        {"-r 2x", "iaptsim: -r: expected a whole number between 1 and 100000 (like run.replications), got \"2x\"\n"},
        {"-j 99999", "iaptsim: -j: expected a whole number between 0 and 1024 (like run.threads), got \"99999\"\n"},
        {"-s -1", "iaptsim: -s: expected a whole number between 0 and 9200000000000000000 (like run.seed), got "
                  "\"-1\"\n"},
        {"-r0", "iaptsim: -r: expected a whole number between 1 and 100000 (like run.replications), got \"0\"\n"},
        {"--threads=2000",
         "iaptsim: --threads: expected a whole number between 0 and 1024 (like run.threads), got \"2000\"\n"},
        {"--replications 0",
         "iaptsim: --replications: expected a whole number between 1 and 100000 (like run.replications), got "
         "\"0\"\n"},
        {"-r", "iaptsim: -r needs a value\n"},
        {"--seed", "iaptsim: --seed needs a value\n"},
        {"-o", "iaptsim: -o needs a value\n"},
        {"-q1", "iaptsim: -q takes no value, got \"1\"\n"},
        {"--quiet=yes", "iaptsim: --quiet takes no value, got \"yes\"\n"},
        {"-x", "iaptsim: unexpected argument \"-x\"\n"},
        {"--thread=2", "iaptsim: unexpected argument \"--thread=2\"\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(args, sizeof args, "run scenarios/default.yaml -o %s/o %s", tmp, cases[i][0]);
        ran r = run(tmp, args);
        cr_assert_eq(r.status, 2, "%s", cases[i][0]);
        cr_assert(strncmp(r.err, cases[i][1], strlen(cases[i][1])) == 0, "%s:\n%s", cases[i][0], r.err);
        cr_assert(strstr(r.err, "usage: iaptsim run"), "%s", r.err);
        ran_free(&r);
    }
    assert_listing(tmp, "");
    rm_tree(tmp);
    free(tmp);
}

Test(cli, replications_within_max_replications)
{
    /* With run.target_half_width set, -r is the first batch: more than
     * run.max_replications would run them all and then say it stopped at
     * the maximum. */
    char *tmp = fix_tmpdir(), args[4400];
    snprintf(args, sizeof args, "run tests/data/scenario/every-key.yaml -o %s/o -r 7", tmp);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 2);
    const char *want = "iaptsim: -r 7: expected at most run.max_replications (6), as run.target_half_width is set (the "
                       "run starts with -r replications and adds more up to max_replications)\n";
    cr_assert(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
    cr_assert(strstr(r.err, "usage: iaptsim run"), "%s", r.err);
    ran_free(&r);
    assert_listing(tmp, "");
    rm_tree(tmp);
    free(tmp);
}

/* With 100000 replications a run would take hours: these return at once,
 * before it starts, or the test times out. */
Test(cli, output_path_checked_before_running, .timeout = 30)
{
    char *tmp = fix_tmpdir(), args[4400];
    char *file = fix_write(tmp, "results", "keep\n", 5);
    snprintf(args, sizeof args, "run scenarios/default.yaml -r 100000 -o %s", file);
    ran r = run(tmp, args);
    cr_assert_eq(r.status, 2);
    char want[4400];
    snprintf(want, sizeof want, "iaptsim: -o %s: exists and is not a folder\n", file);
    cr_assert_str_eq(r.err, want);
    ran_free(&r);
    snprintf(args, sizeof args, "run scenarios/default.yaml -r 100000 -o %s/sub/dir", file);
    r = run(tmp, args);
    cr_assert_eq(r.status, 2);
    snprintf(want, sizeof want, "iaptsim: -o %s/sub/dir: cannot create it in %s: not a folder\n", file, file);
    cr_assert_str_eq(r.err, want);
    ran_free(&r);
    snprintf(args, sizeof args, "run scenarios/default.yaml -r 100000 -o %s/..", tmp);
    r = run(tmp, args);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/..\": expected the name of a folder to write into\n"), "%s", r.err);
    ran_free(&r);
    char *kept = slurp(file);
    cr_assert_str_eq(kept, "keep\n");
    free(kept);
    assert_listing(tmp, "results");
    free(file);
    rm_tree(tmp);
    free(tmp);
}

/* An output folder that cannot be made stops the run before it starts
 * (as root, access() allows writing into /proc; making the hidden folder
 * there does not), and leaves nothing behind. */
Test(cli, output_folder_made_before_running, .timeout = 30)
{
    char *tmp = fix_tmpdir();
    ran r = run(tmp, "run scenarios/default.yaml -r 100000 -o /proc/iaptsim-x");
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(!strncmp(r.err, "iaptsim: -o /proc/iaptsim-x: cannot create ", 43), "%s", r.err);
    ran_free(&r);
    struct stat st;
    cr_assert_neq(stat("/proc/iaptsim-x", &st), 0);
    rm_tree(tmp);
    free(tmp);
}

/* A run interrupted (SIGTERM; SIGINT and SIGHUP alike, but a background
 * job ignores SIGINT) removes the hidden folder and the folders it made,
 * and dies of the signal. */
Test(cli, interrupted_run_leaves_nothing, .timeout = 60)
{
    const char *bin = getenv("IAPTSIM_BIN");
    if (!bin)
        cr_skip_test("IAPTSIM_BIN is not set (run through ctest)");
    char *tmp = fix_tmpdir(), cmd[9000];
    snprintf(cmd, sizeof cmd,
             "{ \"%s\" run scenarios/default.yaml -r 100000 -j 1 -q -o %s/a/b & p=$!; "
             "for i in $(seq 300); do ls -a %s/a 2>/dev/null | grep -q tmp- && break; sleep 0.1; done; "
             "ls -a %s/a > %s/seen 2>&1; kill -TERM $p; wait $p; echo $? > %s/status; } 2>/dev/null",
             bin, tmp, tmp, tmp, tmp, tmp);
    cr_assert_eq(system(cmd), 0);
    char path[4300];
    snprintf(path, sizeof path, "%s/seen", tmp);
    char *seen = slurp(path);
    cr_assert(strstr(seen, ".b.tmp-"), "the hidden folder is made before the run: %s", seen);
    free(seen);
    snprintf(path, sizeof path, "%s/status", tmp);
    char *status = slurp(path);
    cr_assert_str_eq(status, "143\n", "died of SIGTERM");
    free(status);
    unlink(path);
    snprintf(path, sizeof path, "%s/seen", tmp);
    unlink(path);
    assert_listing(tmp, "");
    rm_tree(tmp);
    free(tmp);
}

Test(cli, write_errors_exit_non_zero, .timeout = 120)
{
    struct stat st;
    if (stat("/dev/full", &st) != 0)
        cr_skip_test("no /dev/full");
    char *tmp = fix_tmpdir(), args[4400];
    static const char *const cmds[] = {"check " BASE, "show " BASE, "schema", "measures"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        ran r = run_in(tmp, NULL, cmds[i], "/dev/full");
        cr_assert_eq(r.status, 3, "%s", cmds[i]);
        cr_assert_str_eq(r.err, "iaptsim: cannot write to standard output: No space left on device\n", "%s", cmds[i]);
        ran_free(&r);
    }
    /* The tables fail after the files are in place: they are kept
     * (complete), and the message and status say so. */
    snprintf(args, sizeof args, "run " BASE " -r 1 -o %s/o", tmp);
    ran r = run_in(tmp, NULL, args, "/dev/full");
    cr_assert_eq(r.status, 3);
    char want[4400], dir[4300];
    snprintf(want, sizeof want,
             "iaptsim: cannot write to standard output: No space left on device; the results in %s/o are complete\n",
             tmp);
    cr_assert_str_eq(r.err, want);
    ran_free(&r);
    snprintf(dir, sizeof dir, "%s/o", tmp);
    assert_listing(dir, "results.csv scenario.yaml summary.txt years.csv");
    assert_listing(tmp, "o");
    rm_tree(tmp);
    free(tmp);
}

/* Runs iaptsim with args (split on spaces) writing into a pipe whose
 * reading end is already closed, with SIGPIPE at its default action (as a
 * shell leaves it for `iaptsim ... | head -1`, whatever this process
 * does with it), stderr into err_path. The wait status. */
static int run_into_closed_pipe(char *args, const char *err_path)
{
    const char *env = getenv("IAPTSIM_BIN");
    if (!env)
        cr_skip_test("IAPTSIM_BIN is not set (run through ctest)");
    char bin[4096];
    snprintf(bin, sizeof bin, "%s", env);
    char *argv[32] = {bin};
    int argc = 1;
    for (char *t = strtok(args, " "); t && argc < 31; t = strtok(NULL, " "))
        argv[argc++] = t;
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    close(fd[0]);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd[1], 1);
        dup2(err, 2);
        execv(bin, argv);
        _exit(127);
    }
    close(fd[1]);
    int w;
    waitpid(pid, &w, 0);
    return w;
}

Test(cli, closed_pipe_keeps_the_results, .timeout = 120)
{
    /* `run ... | head -1`: the reader goes away while the tables are
     * printed. The program is not killed by SIGPIPE half-way (leaving its
     * hidden staging folder); it finishes, puts the files in place and
     * says that standard output failed (exit 3), as for a full disk. */
    char *tmp = fix_tmpdir(), args[4400], err[4400], want[4400], dir[4400];
    snprintf(args, sizeof args, "run " BASE " -r 1 -o %s/o", tmp);
    snprintf(err, sizeof err, "%s/err", tmp);
    int w = run_into_closed_pipe(args, err);
    cr_assert(WIFEXITED(w), "killed by signal %d", WIFSIGNALED(w) ? WTERMSIG(w) : 0);
    cr_assert_eq(WEXITSTATUS(w), 3);
    char *got = slurp(err);
    snprintf(want, sizeof want, "iaptsim: cannot write to standard output: Broken pipe; the results in %s/o are complete\n",
             tmp);
    cr_assert_str_eq(got, want);
    free(got);
    unlink(err);
    snprintf(dir, sizeof dir, "%s/o", tmp);
    assert_listing(dir, "results.csv scenario.yaml summary.txt years.csv");
    assert_listing(tmp, "o");
    /* The other commands: exit 3 with the reason. */
    static const char *const cmds[] = {"check " BASE, "show " BASE, "schema", "measures"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        snprintf(args, sizeof args, "%s", cmds[i]);
        w = run_into_closed_pipe(args, err);
        cr_assert(WIFEXITED(w) && WEXITSTATUS(w) == 3, "%s: status %d", cmds[i], w);
        got = slurp(err);
        cr_assert_str_eq(got, "iaptsim: cannot write to standard output: Broken pipe\n", "%s", cmds[i]);
        free(got);
        unlink(err);
    }
    rm_tree(tmp);
    free(tmp);
}

Test(cli, failed_write_leaves_nothing, .timeout = 120)
{
    char *tmp = fix_tmpdir(), args[4400], want[4400];
    /* A file size limit (the shell ignores SIGXFSZ, so write fails with EFBIG). */
    snprintf(args, sizeof args, "run " BASE " -r 1 -q -o %s/a/b", tmp);
    ran r = run_in(tmp, "trap '' XFSZ; ulimit -f 8;", args, NULL);
    cr_assert_eq(r.status, 3, "%s", r.err);
    snprintf(want, sizeof want, "iaptsim: cannot write results into %s/a/b: File too large\n", tmp);
    cr_assert_str_eq(r.err, want);
    ran_free(&r);
    assert_listing(tmp, "");
    rm_tree(tmp);
    free(tmp);
}

Test(cli, csv_text_fields_are_quoted)
{
    /* RFC 4180: a field with a comma, a quote or a line break is quoted,
     * its quotes doubled; others are written as they are. Names cannot
     * hold these (the scenario language refuses them); the quoting keeps
     * the files well formed whatever a label holds. */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    static const char *const in[] = {"team:core/grade:pwp", "a,b", "say \"hi\"", "two\nlines", "cr\r", ""};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        iapt_report_csv_text(m, in[i]);
    fclose(m);
    cr_assert_str_eq(buf, ",team:core/grade:pwp,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",");
    free(buf);
}
