/*
 * tests/test_conf_errors.c: every kind of scenario error, checked by its
 * full message text ("file:line:col: key.path: message"), and that a failed
 * load leaves the object empty.
 */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "conf_fixture.h"

TestSuite(conf_errors, .init = fix_chdir_root);

#define E "tests/data/conf/errors/"
#define X "tests/data/conf/extends/"

static void assert_empty(const bank *b)
{
    bank zero;
    memset(&zero, 0, sizeof zero);
    cr_assert(memcmp(b, &zero, sizeof zero) == 0, "a failed load leaves the object zeroed");
}

/* Loads path and compares all messages (one per line) with expected. */
static void expect_file(const char *path, const char *expected)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_file(ctx, &bank_schema, path, &b), -1, "%s loaded", path);
    assert_empty(&b);
    char *got = fix_errors(ctx);
    cr_assert_str_eq(got, expected);
    free(got);
    conf_ctx_destroy(ctx);
}

static void expect_buffer(const char *name, const char *text, size_t len, const char *expected)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, name, text, len, NULL, &b), -1);
    assert_empty(&b);
    char *got = fix_errors(ctx);
    cr_assert_str_eq(got, expected);
    free(got);
    conf_ctx_destroy(ctx);
}

Test(conf_errors, unknown_key_with_suggestion)
{
    expect_file(E "unknown_key.yaml", E "unknown_key.yaml:4:5: teams[core]: missing required key \"wte\"\n" E
                                        "unknown_key.yaml:5:5: teams[core].wtee: unknown key \"wtee\" (did you mean "
                                        "\"wte\"?)\n");
}

Test(conf_errors, unknown_key_without_suggestion)
{
    expect_file(E "unknown_key_nomatch.yaml", E "unknown_key_nomatch.yaml:8:29: teams[core].staff[ana].colour: unknown "
                                                "key \"colour\" (expected one of: name, wte, grade)\n");
}

Test(conf_errors, wrong_types)
{
    expect_file(E "wrong_type.yaml",
                E "wrong_type.yaml:3:10: verbose: expected true or false, got \"yes\"\n" E
                  "wrong_type.yaml:6:10: teams[core].wte: expected whole-time equivalents such as 0.8 wte or 0.8, got "
                  "a list\n" E "wrong_type.yaml:9:36: teams[core].staff[ana].grade: expected one of pwp, hit, senior, "
                  "got \"HIT2\"\n");
    expect_file(E "misc_types.yaml",
                E "misc_types.yaml:3:7: seed: expected a whole number between 0 and 4294967295, got \"1.5\"\n"
                E "misc_types.yaml:4:9: target: expected a duration such as 6 weeks or 45 min, got \"6\"\n"
                E "misc_types.yaml:5:8: title: expected text, got a list\n"
                E "misc_types.yaml:10:22: teams[core].days[2]: duplicate day \"mon\"\n"
                E "misc_types.yaml:10:27: teams[core].days[3]: expected one of mon, tue, wed, thu, fri, sat, sun, got "
                  "\"funday\"\n"
                E "misc_types.yaml:11:5: teams[1]: expected a mapping of keys, got \"just text\"\n"
                E "misc_types.yaml:13:12: demand.sources: expected a mapping of names to quantities, got a list\n"
                E "misc_types.yaml:14:8: costs: expected a mapping of keys, got \"12\"\n");
    expect_file(E "null_value.yaml",
                E "null_value.yaml:2:5: end: expected a date YYYY-MM-DD, got nothing\n" E
                  "null_value.yaml:5:10: teams[core].wte: expected whole-time equivalents such as 0.8 wte or 0.8, got "
                  "nothing\n");
    const char *t = "start: 2026-04-01\nend: 2026-13-01\nteams: {core: 1}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:2:6: end: expected a date YYYY-MM-DD, got \"2026-13-01\" (there is no month 13)\n"
                  "t.yaml:3:8: teams: expected a list, got a mapping\n");
}

Test(conf_errors, negative_count)
{
    expect_file(E "negative_count.yaml",
                E "negative_count.yaml:7:12: teams[core].rooms: expected a whole number between 0 and 1000, got "
                  "\"-3\"\n");
}

Test(conf_errors, probability_outside_0_1)
{
    expect_file(E "probability.yaml",
                E "probability.yaml:3:6: dna: expected a share between 0% and 100%, got \"120%\"\n" E
                  "probability.yaml:5:20: demand.quantiles[1]: expected a share such as 12%, got \"1.5\" (the % "
                  "sign is required: did you mean 1.5%?)\n");
}

Test(conf_errors, shares_not_100)
{
    expect_file(E "shares.yaml", E "shares.yaml:4:12: demand.sources: shares must sum to 100%, got 97.5%\n" E
                                   "shares.yaml:6:3: teams: the share of all items must sum to 100%, got 90%\n");
}

Test(conf_errors, date_out_of_run)
{
    /* A change before the start is history; one after the end has no effect. */
    expect_file(E "out_of_run.yaml",
                E "out_of_run.yaml:3:9: review: expected a date within the run (2026-04-01 to 2031-03-31), got "
                  "2032-01-01\n" E "out_of_run.yaml:9:12: demand.referrals[3].at: expected a date on or before the "
                  "end of the run (2026-04-01 to 2031-03-31), got 2031-07-01\n" E "out_of_run.yaml:14:35: "
                  "teams[core].slots[1].from: expected a date on or before the end of the run (2026-04-01 to "
                  "2031-03-31), got 2031-04-01\n");
}

Test(conf_errors, dates_and_empty_values)
{
    const char *t = "start: 2026-04-01\nend: 2027-02-29\nreview: 2026-04-31\ndemand:\n  quantiles: {}\n"
                    "  referrals: []\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:2:6: end: expected a date YYYY-MM-DD, got \"2027-02-29\" (February 2027 has 28 days)\n"
                  "t.yaml:3:9: review: expected a date YYYY-MM-DD or none, got \"2026-04-31\" (April 2026 has 30 "
                  "days)\n"
                  "t.yaml:5:14: demand.quantiles: expected a list of quantities, got an empty mapping\n"
                  "t.yaml:6:14: demand.referrals: expected a rate such as 1200 per month or 300 per week, or a list: "
                  "the starting value, then changes, got an empty list\n");
}

Test(conf_errors, reference_to_missing_team)
{
    expect_file(E "missing_team.yaml",
                E "missing_team.yaml:7:14: teams[core].backup[0]: unknown team \"nowhere\" (expected one of: core)\n"
                E "missing_team.yaml:9:14: demand.team_mix.cor: unknown team \"cor\" (did you mean \"core\"?)\n"
                E "missing_team.yaml:10:7: lead: unknown team \"cor\" (did you mean \"core\"?)\n");
    const char *t = "start: 2026-04-01\nend: 2031-03-31\nlead: core\n";
    expect_buffer("t.yaml", t, strlen(t), "t.yaml:3:7: lead: unknown team \"core\" (there are no team items in teams)\n");
}

Test(conf_errors, duplicate_key)
{
    expect_file(E "duplicate_key.yaml",
                E "duplicate_key.yaml:7:5: teams[core].wte: duplicate key \"wte\" (first given at line 5)\n");
}

Test(conf_errors, duplicate_name)
{
    expect_file(E "duplicate_name.yaml",
                E "duplicate_name.yaml:7:11: teams[core].name: duplicate name \"core\" (first used at line 4)\n");
    const char *t = "start: 2026-04-01\nend: 2031-03-31\nteams:\n  - {name: a, wte: 1, share: 100%, backup: [a, a]}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:4:48: teams[a].backup[1]: duplicate name \"a\" (first listed at line 4)\n");
}

Test(conf_errors, missing_required_key)
{
    expect_file(E "missing_required.yaml", E "missing_required.yaml:1:1: missing required key \"start\"\n" E
                                             "missing_required.yaml:3:5: teams[core]: missing required key \"wte\"\n");
}

Test(conf_errors, check_callback)
{
    expect_file(E "check.yaml",
                E "check.yaml:5:10: teams[core].wte: expected at least the staff's total (1.3 wte), got 1 wte\n");
    expect_file(E "end_before_start.yaml",
                E "end_before_start.yaml:2:6: end: expected a date after start (2026-04-01), got 2026-03-01\n");
}

Test(conf_errors, defaulted_field)
{
    expect_file(E "default_check.yaml",
                E "default_check.yaml:1:1: target: expected a target wait shorter than the run (19 days) (default)\n");
    /* A default date outside a window set before loading. */
    conf_schema s = bank_schema;
    s.check = NULL;
    conf_field f[sizeof bank_fields / sizeof bank_fields[0]];
    memcpy(f, bank_fields, sizeof f);
    f[3].def = "2040-01-01"; /* review */
    s.fields = f;
    conf_ctx *ctx = conf_ctx_create();
    conf_ctx_set_window(ctx, 20544, 21000);
    const char *t = "# run\nstart: 2026-04-01\nend: 2027-03-31\n";
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &s, "d.yaml", t, strlen(t), NULL, &b), -1);
    cr_assert_str_eq(conf_error_text(ctx, 0), "d.yaml:2:1: review: expected a date within the run (2026-04-01 to "
                                              "2027-07-01), got 2040-01-01 (default)");
    conf_ctx_destroy(ctx);
}

Test(conf_errors, distributions)
{
    expect_file(E "dist.yaml",
                E "dist.yaml:4:9: demand.wait: missing parameter \"sd\" of a lognormal distribution\n"
                E "dist.yaml:4:42: demand.wait.sdd: unknown parameter \"sdd\" of a lognormal distribution (did you "
                  "mean \"sd\"?)\n"
                E "dist.yaml:5:43: demand.sessions.values[1]: expected a whole number, got \"6.5\"\n"
                E "dist.yaml:10:14: teams[core].session: expected sd > 0, got sd 0 min\n"
                E "dist.yaml:14:21: teams[north].session.dist: expected one of constant, exponential, gamma, "
                  "lognormal, weibull, triangular, uniform, empirical, bernoulli, poisson, geometric, got "
                  "\"lognormall\" (did you mean lognormal?)\n"
                E "dist.yaml:18:14: teams[south].session: missing parameter \"scale\" of a weibull distribution\n");
    const char *t = "start: 2026-04-01\nend: 2031-03-31\ndemand:\n"
                    "  wait: {dist: triangular, min: 5 days, mode: 2 days, max: 9 days}\n"
                    "  sessions: {dist: empirical, values: [1, 2], weights: [1]}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:4:9: demand.wait: expected min <= mode <= max, got min 5 days, mode 2 days, max 9 days\n"
                  "t.yaml:5:56: demand.sessions.weights: expected as many weights as values (2), got 1\n");
}

Test(conf_errors, numbers_too_large)
{
    const char *t = "start: 2026-04-01\nend: 2031-03-31\ndna: 1e309%\ntarget: 1e400 weeks\nteams: [{name: a, wte: "
                    "1e309, share: 100%}]\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:3:6: dna: expected a share between 0% and 100%, got \"1e309%\"\n"
                  "t.yaml:4:9: target: expected a duration >= 0 weeks, got \"1e400 weeks\" (the number is too "
                  "large)\n"
                  "t.yaml:5:24: teams[a].wte: expected whole-time equivalents between 0 wte and 100 wte, got "
                  "\"1e309\" (the number is too large)\n");
}

Test(conf_errors, distribution_ranges)
{
    /* What a distribution can draw must lie in the key's range (sessions: 1
     * to 50); bernoulli is for plain numbers only; an sd is at most the
     * range's width. */
    const char *t = "start: 2026-04-01\nend: 2031-03-31\ndemand:\n  sessions: {dist: poisson, mean: 6}\n"
                    "  wait: {dist: bernoulli, p: 50%}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:4:13: demand.sessions: expected a distribution of values between 1 and 50, got a poisson "
                  "distribution, which can draw 0\n"
                  "t.yaml:5:16: demand.wait.dist: expected a kind of distribution for a duration (a bernoulli "
                  "distribution draws only 0 or 1, a plain number), got \"bernoulli\"\n");
    t = "start: 2026-04-01\nend: 2031-03-31\ndemand:\n  sessions: {dist: gamma, mean: 6, sd: 60}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:4:40: demand.sessions.sd: expected a number between 0 and 49, got \"60\"\n");
    t = "start: 2026-04-01\nend: 2031-03-31\nteams: [{name: a, wte: 1, share: 100%, session: {dist: gamma, mean: "
        "1e-300 min, sd: 1 min}}]\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:3:49: teams[a].session: expected sd between mean / 1e6 and 1000 x mean, got mean 1e-300 min, "
                  "sd 1 min\n");
    /* A tail unbounded above is cut at the range's top. */
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    t = "start: 2026-04-01\nend: 2031-03-31\ndemand:\n  sessions: {dist: geometric, mean: 6}\n";
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "t.yaml", t, strlen(t), NULL, &b), 0);
    cr_assert_eq(sim_dist_max(&b.demand.sessions), 50);
    cr_assert_eq(sim_dist_min(&b.demand.sessions), 1);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

Test(conf_errors, schedules)
{
    expect_file(E "sched.yaml",
                E "sched.yaml:7:7: demand.referrals[2]: changes must be in date order and must not overlap: this "
                  "one starts on 2026-06-01, before the previous one ends on 2027-01-01\n" E
                  "sched.yaml:14:9: teams[core].slots[1]: a change has either at (a step) or from and to (a ramp), "
                  "not both\n" E "sched.yaml:15:32: teams[core].slots[2].to: expected a date on or after from "
                  "(2027-06-01), got 2027-05-01\n" E "sched.yaml:16:9: teams[core].slots[3]: missing key \"from\"\n" E
                  "sched.yaml:17:14: teams[core].slots[4].at: expected a date YYYY-MM-DD, got \"2027-13-01\" (there is no month 13)\n");
}

Test(conf_errors, yaml_syntax_error)
{
    expect_file(E "syntax.yaml", E "syntax.yaml:5:4: YAML syntax error: did not find expected '-' indicator (while "
                                   "parsing a block collection)\n");
    const char *t = "start: 2026-04-01\nend: \x01\n";
    expect_buffer("c.yaml", t, strlen(t), "c.yaml:2:6: YAML syntax error: control characters are not allowed\n");
    /* An unclosed quote or brace is reported where it was opened. */
    t = "start: 2026-04-01\nend: 2031-03-31\ntitle: \"Bank\n";
    expect_buffer("q.yaml", t, strlen(t),
                  "q.yaml:3:8: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar, which "
                  "starts here; found at line 4, column 1)\n");
    t = "start: 2026-04-01\ncosts: {hours: 30 hours per week\nend: 2031-03-31\n";
    expect_buffer("b.yaml", t, strlen(t),
                  "b.yaml:2:8: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping, which "
                  "starts here; found at line 3, column 4)\n");
}

Test(conf_errors, structure_errors)
{
    expect_file(E "two_docs.yaml", E "two_docs.yaml:3:1: a scenario file holds one YAML document, found a second\n");
    expect_file(E "top_list.yaml", E "top_list.yaml:1:1: expected a mapping of keys at the top level, got a list\n");
    expect_file(E "complex_key.yaml", E "complex_key.yaml:3:3: mapping keys must be plain text, got a list\n");
    expect_file(E "nul_escape.yaml", E "nul_escape.yaml:3:8: title: text must not contain a NUL character\n");
    expect_file(E "alias_unknown.yaml",
                E "alias_unknown.yaml:2:6: alias *nothing names no anchor (write &nothing before it is used)\n");
    expect_file(E "alias_bomb.yaml", E "alias_bomb.yaml:1:14: too many values: a scenario may hold at most 200000 "
                                      "(an alias counts each time it is used)\n");
    expect_file(E "deep.yaml", E "deep.yaml:1:71: nesting is too deep (more than 64 levels)\n");
    const char *t = "a: &x [1, *x]\n";
    expect_buffer("r.yaml", t, strlen(t), "r.yaml:1:11: alias *x is used inside the value it names\n");
    t = "just text\n";
    expect_buffer("s.yaml", t, strlen(t), "s.yaml:1:1: expected a mapping of keys at the top level, got \"just text\"\n");
}

Test(conf_errors, thousands_comma_inside_brackets)
{
    /* YAML splits £35,000 at the comma inside {...}: a hint says to quote it. */
    const char *t = "start: 2026-04-01\nend: 2031-03-31\ncosts: {salary: £35,000 per year}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:3:17: costs.salary: expected an amount per year such as £35,000 per year or £2,900 per "
                  "month, got \"£35\" (inside [...] or {...} a comma separates values: quote a number written with a "
                  "thousands comma, as in \"£35,000 per year\")\n"
                  "t.yaml:3:21: costs.000 per year: unknown key \"000 per year\" (inside [...] or {...} a comma "
                  "separates values: quote a number written with a thousands comma, as in \"£35,000 per year\")\n");
    t = "start: 2026-04-01\nend: 2031-03-31\ncosts: {salary: \"£35,000 per year\"}\n";
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "t.yaml", t, strlen(t), NULL, &b), 0);
    cr_assert_eq(b.costs.salary, 35000);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

Test(conf_errors, yaml_tags)
{
    /* Tags other than the standard scalar ones would be silently ignored. */
    const char *t = "start: 2026-04-01\nend: 2031-03-31\ncosts: !!seq {hours: 30 hours per week}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:3:8: expected no YAML tag (a key says how its value is read; only !!str, !!int, !!float, "
                  "!!bool and !!null are allowed, on plain values), got \"!!seq\"\n");
    t = "start: 2026-04-01\nend: 2031-03-31\nteams: !include teams.yaml\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:3:8: expected no YAML tag (a key says how its value is read; only !!str, !!int, !!float, "
                  "!!bool and !!null are allowed, on plain values), got \"!include\"\n");
    t = "start: 2026-04-01\nend: 2031-03-31\nteams: !!map []\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:3:8: expected no YAML tag (a key says how its value is read; only !!str, !!int, !!float, "
                  "!!bool and !!null are allowed, on plain values), got \"!!map\"\n");
    /* The standard scalar tags say nothing more; !!str makes null text. */
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    t = "start: !!str 2026-04-01\nend: 2031-03-31\nseed: !!int 7\ntitle: !!str null\n";
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "t.yaml", t, strlen(t), NULL, &b), 0);
    cr_assert_eq(b.seed, 7);
    cr_assert_str_eq(b.title, "null");
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

Test(conf_errors, control_characters_escaped)
{
    expect_file(E "control.yaml", E "control.yaml:5:10: teams[core].wte: expected whole-time equivalents such as 0.8 "
                                    "wte or 0.8, got \"three\\n\\x07\"\n");
    const char *t = "start: 2026-04-01\nend: 2031-03-31\n\"a\\tb\\u0001\": 1\n";
    expect_buffer("k.yaml", t, strlen(t), "k.yaml:3:1: a\\tb\\x01: unknown key \"a\\tb\\x01\" (expected one of: "
                                          "title, start, end, review, seed, verbose, target, dna, demand, costs, "
                                          "teams, lead)\n");
}

Test(conf_errors, empty_file)
{
    expect_file(E "empty.yaml", E "empty.yaml: empty scenario: the file has no keys\n");
    expect_buffer("e.yaml", "", 0, "e.yaml: empty scenario: the file has no keys\n");
    expect_buffer("e.yaml", "---\n...\n", 8, "e.yaml: empty scenario: the file has no keys\n");
    expect_buffer("e.yaml", "{}\n", 3, "e.yaml: empty scenario: the file has no keys\n");
}

Test(conf_errors, binary_file)
{
    expect_buffer("b.yaml", "start: 2026\0-04-01\n", 19, "b.yaml:1:12: binary file, not YAML text (a NUL byte)\n");
    char *dir = fix_tmpdir();
    cr_assert_not_null(dir);
    char *path = fix_write(dir, "bin.yaml", "\x7f" "ELF\x02\x01\x01\0\0\0", 10);
    cr_assert_not_null(path);
    char want[4200];
    snprintf(want, sizeof want, "%s:1:8: binary file, not YAML text (a NUL byte)\n", path);
    expect_file(path, want);
    const char *names[] = {"bin.yaml"};
    fix_rmdir(dir, names, 1);
    free(path);
    free(dir);
    /* Known binary formats and a NUL after a byte that is not UTF-8 are
     * binary, not text in the wrong encoding. */
    expect_buffer("gz.yaml", "\x1f\x8b\x08\x08\xa3", 5,
                  "gz.yaml: binary file, not YAML text (a gzip-compressed file: decompress it first)\n");
    expect_buffer("p.yaml", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "p.yaml: binary file, not YAML text (a PNG image)\n");
    expect_buffer("d.yaml", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15, "d.yaml: binary file, not YAML text (a PDF document)\n");
    expect_buffer("z.yaml", "PK\x03\x04\x14\0", 6,
                  "z.yaml: binary file, not YAML text (a ZIP archive, such as a Word or Excel file: save the scenario "
                  "as plain text)\n");
    expect_buffer("x.yaml", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
                  "x.yaml: binary file, not YAML text (an old Word or Excel file: save the scenario as plain text)\n");
    expect_buffer("j.yaml", "\xff\xd8\xff\xe0", 4, "j.yaml: binary file, not YAML text (a JPEG image)\n");
    expect_buffer("e.yaml", "PK\x05\x06", 4, "e.yaml: binary file, not YAML text (an empty ZIP archive)\n");
    expect_buffer("n.yaml", "a: caf\xe9\nb: \0\n", 13, "n.yaml:2:4: binary file, not YAML text (a NUL byte)\n");
}

Test(conf_errors, not_utf8)
{
    expect_buffer("x.yaml", "x: \xa3\n", 5,
                  "x.yaml:1:4: expected UTF-8 text, got the byte 0xa3 (\"\xc2\xa3\" in Windows-1252 or Latin-1: save "
                  "the file as UTF-8)\n");
    expect_buffer("x.yaml", "a: 1\nb: caf\xe9 \x80\n", 12,
                  "x.yaml:2:7: expected UTF-8 text, got the byte 0xe9 (\"\xc3\xa9\" in Windows-1252 or Latin-1: save "
                  "the file as UTF-8)\n");
    expect_buffer("x.yaml", "a: \x80\n", 5,
                  "x.yaml:1:4: expected UTF-8 text, got the byte 0x80 (\"\xe2\x82\xac\" in Windows-1252 or Latin-1: "
                  "save the file as UTF-8)\n");
    expect_buffer("x.yaml", "a: \x81\n", 5, "x.yaml:1:4: expected UTF-8 text, got the byte 0x81 (save the file as UTF-8)\n");
    expect_buffer("x.yaml", "title: \xed\xa0\x80\n", 11,
                  "x.yaml:1:8: expected UTF-8 text, got the byte 0xed (\"\xc3\xad\" in Windows-1252 or Latin-1: save "
                  "the file as UTF-8)\n");
    expect_buffer("u.yaml", "\xff\xfex\0:\0 \0" "1\0", 10, "u.yaml:1:1: expected UTF-8 text, got UTF-16 (save the file as UTF-8)\n");
    expect_buffer("u.yaml", "\0x\0:\0 \0" "1", 8, "u.yaml:1:1: expected UTF-8 text, got UTF-16 (save the file as UTF-8)\n");
    expect_buffer("u.yaml", "x\0:\0 \0" "1\0", 8, "u.yaml:1:1: expected UTF-8 text, got UTF-16 (save the file as UTF-8)\n");
}

Test(conf_errors, tabs)
{
    const char *t = "start: 2026-04-01\nend: 2031-03-31\nteams:\n\t- {name: a, wte: 1, share: 100%}\n";
    expect_buffer("t.yaml", t, strlen(t), "t.yaml:4:1: tabs cannot indent YAML; use spaces\n");
    t = "start: 2026-04-01\nend: 2031-03-31\ndemand:\n\treferrals: 3 per month\n";
    expect_buffer("t.yaml", t, strlen(t), "t.yaml:4:1: tabs cannot indent YAML; use spaces\n");
}

Test(conf_errors, invisible_characters_escaped)
{
    const char *t = "start: 2026-04-01\nend: 2031-03-31\nti\xe2\x80\x8btle: x\nseed: \"4\xc2\xa0\"\n";
    expect_buffer("k.yaml", t, strlen(t),
                  "k.yaml:3:1: ti\\u200btle: unknown key \"ti\\u200btle\" (did you mean \"title\"?)\n"
                  "k.yaml:4:7: seed: expected a whole number between 0 and 4294967295, got \"4\\u00a0\"\n");
}

Test(conf_errors, huge_file)
{
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n);
    cr_assert_not_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 64 == 63 ? '\n' : '#';
    char *dir = fix_tmpdir();
    cr_assert_not_null(dir);
    char *path = fix_write(dir, "big.yaml", big, n);
    cr_assert_not_null(path);
    char want[4200];
    snprintf(want, sizeof want, "%s: file is too large: 2097152 bytes (the limit is 1 MiB)\n", path);
    expect_file(path, want);
    expect_buffer("big", big, CONF_MAX_FILE_BYTES + 1, "big: file is too large: 1048577 bytes (the limit is 1 MiB)\n");
    const char *names[] = {"big.yaml"};
    fix_rmdir(dir, names, 1);
    free(path);
    free(dir);
    free(big);
}

Test(conf_errors, cannot_open)
{
    expect_file(E "no_such_file.yaml", E "no_such_file.yaml: cannot open: No such file or directory\n");
    expect_file(E, E ": cannot open: Is a directory\n");
}

Test(conf_errors, too_many_errors)
{
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text, "start: 2026-04-01\nend: 2031-03-31\n");
    for (int i = 0; i < 60; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "bogus%02d: 1\n", i);
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "m.yaml", text, len, NULL, &b), -1);
    cr_assert_eq(conf_error_count(ctx), CONF_MAX_ERRORS + 1);
    cr_assert_str_eq(conf_error_text(ctx, CONF_MAX_ERRORS), "too many errors; stopping");
    cr_assert_str_eq(conf_error_text(ctx, 49), "m.yaml:52:1: bogus49: unknown key \"bogus49\" (expected one of: "
                                               "title, start, end, review, seed, verbose, target, dna, demand, "
                                               "costs, teams, lead)");
    conf_ctx_destroy(ctx);
}

Test(conf_errors, extends_cycle)
{
    expect_file(X "cycle_c.yaml", X "cycle_b.yaml:1:10: extends: cycle " X "cycle_a.yaml -> " X "cycle_b.yaml -> " X
                                    "cycle_a.yaml\n");
    expect_file(X "cycle_a.yaml", X "cycle_b.yaml:1:10: extends: cycle " X "cycle_a.yaml -> " X "cycle_b.yaml -> " X
                                    "cycle_a.yaml\n");
}

Test(conf_errors, extends_missing_file)
{
    expect_file(X "missing.yaml",
                X "missing.yaml:1:10: extends: cannot open " X "nowhere.yaml: No such file or directory\n");
    expect_file(X "not_string.yaml", X "not_string.yaml:1:10: extends: expected the name of a scenario file, got a "
                                       "list\n");
}

Test(conf_errors, extends_merge_errors)
{
    expect_file(X "remove_missing.yaml",
                X "remove_missing.yaml:3:12: teams[west]: cannot remove \"west\": the base scenario has no such item\n");
    expect_file(X "remove_extra.yaml",
                X "remove_extra.yaml:3:33: teams[north]: an item with remove: true takes no other keys, got \"wte\"\n");
    expect_file(X "dup_child.yaml", X "dup_child.yaml:4:12: teams[core].name: duplicate name \"core\" (first used at "
                                      "line 3)\n");
}

static void expect_child(const char *text, const char *expected)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "child.yaml", text, strlen(text), X, &b), -1);
    assert_empty(&b);
    char *got = fix_errors(ctx);
    cr_assert_str_eq(got, expected);
    free(got);
    conf_ctx_destroy(ctx);
}

Test(conf_errors, extends_replaces_values_whole)
{
    /* The base's parameters are not inherited into a new distribution. */
    expect_child("extends: base.yaml\nteams:\n  - {name: core, session: {dist: lognormal, mean: 50 min}}\n",
                 "child.yaml:3:27: teams[core].session: missing parameter \"sd\" of a lognormal distribution\n");
    expect_child("extends: base.yaml\ndemand:\n  sessions: {dist: empirical, values: [5, 7]}\n",
                 "child.yaml:3:13: demand.sessions: missing parameter \"weights\" of an empirical distribution\n");
    expect_child("extends: base.yaml\ndemand:\n  sources: {gp: 50%}\n",
                 "child.yaml:3:12: demand.sources: shares must sum to 100%, got 50%\n");
}

Test(conf_errors, extends_misspelled_item)
{
    /* A new name a slip away from a base name is refused... */
    expect_child("extends: base.yaml\nteams:\n  - {name: cor, wte: 9}\n",
                 "child.yaml:3:12: teams[cor].name: expected the name of a team in the base scenario (or new: true for "
                 "a new team), got \"cor\" (did you mean \"core\"?)\n");
    expect_child("extends: base.yaml\nteams:\n  - {name: Core, wte: 9}\n  - {name: nroth, wte: 1}\n",
                 "child.yaml:3:12: teams[Core].name: expected the name of a team in the base scenario (or new: true "
                 "for a new team), got \"Core\" (did you mean \"core\"?)\n"
                 "child.yaml:4:12: teams[nroth].name: expected the name of a team in the base scenario (or new: true "
                 "for a new team), got \"nroth\" (did you mean \"north\"?)\n");
    /* ...unless the item says it is new; new: true on a base item is refused. */
    expect_child("extends: base.yaml\nteams:\n  - {name: cor, new: true, wte: 9}\n",
                 "child.yaml:3:5: teams[cor]: missing required key \"share\"\n");
    expect_child("extends: base.yaml\nteams:\n  - {name: core, new: true, wte: 9}\n",
                 "child.yaml:3:23: teams[core].new: the base scenario already has a team named \"core\": leave out "
                 "new: true to change it\n");
    expect_child("extends: base.yaml\nteams:\n  - {name: cor, new: yes}\n",
                 "child.yaml:3:22: teams[cor].new: expected true (the item is new, not a change to an item of the base "
                 "scenario), got \"yes\"\n");
    expect_child("extends: base.yaml\nteams:\n  - {name: nort, remove: true}\n",
                 "child.yaml:3:12: teams[nort]: cannot remove \"nort\": the base scenario has no such item (did you "
                 "mean \"north\"?)\n");
    /* Names in a series (core2 after core) and names further away are new;
     * a close one is hinted at when the new item fails. */
    expect_child("extends: base.yaml\nteams:\n  - {name: core2, wte: 9}\n",
                 "child.yaml:3:12: teams[core2].name: no item named \"core2\" in the base scenario, so this is a new "
                 "item (did you mean \"core\"?)\n"
                 "child.yaml:3:5: teams[core2]: missing required key \"share\"\n");
    expect_child("extends: base.yaml\nteams:\n  - {name: coal, wte: 9}\n",
                 "child.yaml:3:12: teams[coal].name: no item named \"coal\" in the base scenario, so this is a new item "
                 "(did you mean \"core\"?)\n"
                 "child.yaml:3:5: teams[coal]: missing required key \"share\"\n");
    expect_child("extends: base.yaml\nteams:\n  - {name: western, wte: 9}\n",
                 "child.yaml:3:5: teams[western]: missing required key \"share\"\n");
}

Test(conf_errors, list_instructions)
{
    /* {replace: true} first: the list is the file's, whole. */
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    const char *t = "extends: base.yaml\nteams:\n  - replace: true\n  - {name: west, wte: 2, share: 100%}\n";
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "child.yaml", t, strlen(t), X, &b), 0);
    cr_assert_eq(b.teams.n, 1);
    cr_assert_str_eq(((bank_team *)b.teams.items)[0].name, "west");
    conf_free(&bank_schema, &b);
    /* In a file that extends nothing, replace and new have nothing to act on. */
    t = "start: 2026-04-01\nend: 2031-03-31\nteams: [{replace: true}, {name: a, new: true, wte: 1, share: 100%}]\n";
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "t.yaml", t, strlen(t), NULL, &b), 0);
    cr_assert_eq(b.teams.n, 1);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
    expect_child("extends: base.yaml\nteams:\n  - {name: west, wte: 2, share: 100%}\n  - replace: true\n",
                 "child.yaml:4:5: teams[1]: expected {replace: true} as the first item of the list, got it as item 2\n");
    expect_child("extends: base.yaml\nteams:\n  - {replace: false}\n",
                 "child.yaml:3:15: teams[0].replace: expected true (the list replaces the base scenario's whole), got "
                 "\"false\"\n");
    expect_child("extends: base.yaml\nteams:\n  - {replace: true, name: x}\n",
                 "child.yaml:3:21: teams[0]: an item with replace: true takes no other keys, got \"name\"\n");
    /* In a file that extends nothing there is no base to remove from. */
    const char *s = "start: 2026-04-01\nend: 2031-03-31\nteams: [{name: a, remove: true}]\n";
    expect_buffer("s.yaml", s, strlen(s),
                  "s.yaml:3:16: teams[a]: cannot remove \"a\": this file extends no base scenario (remove: true "
                  "takes an item out of the base's list)\n");
}

/* Loads text over base (written to a temporary dir) with the rota schema. */
static char *rota_load(const char *base, const char *text, rota *r, int *rc)
{
    char *dir = fix_tmpdir();
    cr_assert_not_null(dir);
    free(fix_write(dir, "base.yaml", base, strlen(base)));
    conf_ctx *ctx = conf_ctx_create();
    *rc = conf_load_buffer(ctx, &rota_schema, "child.yaml", text, strlen(text), dir, r);
    char *errs = fix_errors(ctx);
    conf_ctx_destroy(ctx);
    const char *names[] = {"base.yaml"};
    fix_rmdir(dir, names, 1);
    free(dir);
    return errs;
}

static const char rota_base[] = "shifts:\n  - {day: mon, hours: 8}\n  - {day: mon, room: annex, hours: 4}\n"
                                "  - {day: tue, hours: 7}\nnotes:\n  - {text: a}\n  - {text: b}\n";

Test(conf_errors, lists_keyed_by_fields)
{
    /* Items merge on their key (day and room, room defaulting to main). */
    rota r;
    int rc;
    char *errs = rota_load(rota_base,
                           "extends: base.yaml\nshifts:\n  - {day: mon, hours: 6}\n  - {day: tue, remove: true}\n"
                           "  - {day: wed, room: annex, hours: 2}\n",
                           &r, &rc);
    cr_assert_eq(rc, 0, "%s", errs);
    free(errs);
    const rota_shift *sh = r.shifts.items;
    cr_assert_eq(r.shifts.n, 3);
    cr_assert(sh[0].day == 0 && strcmp(sh[0].room, "main") == 0 && sh[0].hours == 6, "changed in place");
    cr_assert(sh[1].day == 0 && strcmp(sh[1].room, "annex") == 0 && sh[1].hours == 4, "kept");
    cr_assert(sh[2].day == 2 && strcmp(sh[2].room, "annex") == 0, "added; tue removed");
    cr_assert_eq(r.notes.n, 2, "a list not given is the base's");
    conf_free(&rota_schema, &r);
    static const char *const bad[][2] = {
        {"extends: base.yaml\nshifts:\n  - {day: mon, hours: 6}\n  - {day: mon, room: main, hours: 5}\n",
         "child.yaml:4:5: shifts[1]: expected one item per day and room, got a second for \"mon\" and \"main\" (the "
         "first is at line 3)\n"},
        {"shifts:\n  - {day: tue}\n  - {day: wed}\n  - {day: tue, hours: 1}\n",
         "child.yaml:4:5: shifts[2]: expected one item per day and room, got a second for \"tue\" and \"main\" (the "
         "first is at line 2)\n"},
        {"extends: base.yaml\nshifts:\n  - {day: wed, remove: true}\n",
         "child.yaml:3:5: shifts[0]: cannot remove \"wed\" and \"main\": the base scenario has no such item\n"},
        {"extends: base.yaml\nshifts:\n  - {day: mon, hours: 1, remove: true}\n",
         "child.yaml:3:16: shifts[0]: an item with remove: true takes no other keys, got \"hours\"\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errs = rota_load(rota_base, bad[i][0], &r, &rc);
        cr_assert_eq(rc, -1);
        cr_assert_str_eq(errs, bad[i][1]);
        free(errs);
    }
}

Test(conf_errors, lists_without_a_key)
{
    /* A list whose items have no key replaces the base's only when it says so. */
    rota r;
    int rc;
    char *errs = rota_load(rota_base, "extends: base.yaml\nnotes:\n  - {text: c}\n", &r, &rc);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(errs, "child.yaml:3:3: notes: expected {replace: true} as the first item (the list replaces the "
                           "base scenario's list of 2 whole: note items have no key to merge by), got a list without "
                           "it\n");
    free(errs);
    static const char *const ok[] = {"extends: base.yaml\nnotes:\n  - replace: true\n  - {text: c}\n",
                                     "extends: base.yaml\nnotes: []\n", "extends: base.yaml\nshifts: []\n"};
    static const size_t notes[] = {1, 0, 2}, shifts[] = {3, 3, 0};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        errs = rota_load(rota_base, ok[i], &r, &rc);
        cr_assert_eq(rc, 0, "%s", errs);
        cr_assert_eq(r.notes.n, notes[i], "%s", ok[i]);
        cr_assert_eq(r.shifts.n, shifts[i], "%s", ok[i]);
        free(errs);
        conf_free(&rota_schema, &r);
    }
    errs = rota_load("shifts: []\n", "extends: base.yaml\nnotes: [{text: c}]\n", &r, &rc);
    cr_assert_eq(rc, 0, "a base with no items has nothing to replace: %s", errs);
    free(errs);
    conf_free(&rota_schema, &r);
}

Test(conf_errors, independent_problems_reported_together)
{
    const char *t = "start: 2026-04-01\nend: 2031-03-31\nlead: nowhere\nteams:\n"
                    "  - {name: core, wte: 1, share: 50%, staff: [{name: a, wte: 2}]}\n"
                    "  - {name: north, wte: lots, share: 50%, backup: [core, west]}\n";
    expect_buffer("t.yaml", t, strlen(t),
                  "t.yaml:3:7: lead: unknown team \"nowhere\" (expected one of: core, north)\n"
                  "t.yaml:5:23: teams[core].wte: expected at least the staff's total (2 wte), got 1 wte\n"
                  "t.yaml:6:24: teams[north].wte: expected whole-time equivalents such as 0.8 wte or 0.8, got "
                  "\"lots\"\n"
                  "t.yaml:6:57: teams[north].backup[1]: unknown team \"west\" (expected one of: core, north)\n");
}

Test(conf_errors, extends_errors_point_into_the_right_file)
{
    expect_file(X "child_error.yaml", X "child_error.yaml:4:12: teams[core].rooms: expected a whole number between 0 "
                                        "and 1000, got \"many\"\n");
    expect_file(X "base_error.yaml",
                X "bad_base.yaml:7:5: teams[core].romos: unknown key \"romos\" (did you mean \"rooms\"?)\n");
}

Test(conf_errors, extends_too_deep)
{
    char *dir = fix_tmpdir();
    cr_assert_not_null(dir);
    enum { N = CONF_MAX_EXTENDS_DEPTH + 2 };
    char names[N][16];
    const char *np[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "f%02d.yaml", i);
        np[i] = names[i];
        char text[64];
        if (i + 1 < N)
            snprintf(text, sizeof text, "extends: f%02d.yaml\n", i + 1);
        else
            snprintf(text, sizeof text, "start: 2026-04-01\nend: 2031-03-31\n");
        free(fix_write(dir, names[i], text, strlen(text)));
    }
    char path[4200], want[4200];
    snprintf(path, sizeof path, "%s/f00.yaml", dir);
    snprintf(want, sizeof want, "%s/f%02d.yaml:1:10: extends: the chain of extended files is too long (more than %d)\n",
             dir, CONF_MAX_EXTENDS_DEPTH, CONF_MAX_EXTENDS_DEPTH);
    expect_file(path, want);
    /* One file fewer is fine. */
    snprintf(path, sizeof path, "%s/f01.yaml", dir);
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_file(ctx, &bank_schema, path, &b), 0);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
    fix_rmdir(dir, np, N);
    free(dir);
}

Test(conf_errors, empty_shares)
{
    const char *t = "start: 2026-04-01\nend: 2031-03-31\ndemand:\n  sources: {}\n  quantiles: []\n";
    expect_buffer("t.yaml", t, strlen(t), "t.yaml:4:12: demand.sources: shares must sum to 100%, got 0%\n");
}

Test(conf_errors, file_names_are_escaped)
{
    const char *t = "extends: \"a\\nb.yaml\"\n";
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "x\ty.yaml", t, strlen(t), X, &b), -1);
    cr_assert_str_eq(conf_error_text(ctx, 0),
                     "x\\ty.yaml:1:10: extends: cannot open " X "a\\nb.yaml: No such file or directory");
    conf_ctx_destroy(ctx);
}

Test(conf_errors, weekdays_in_full_and_the_year_range)
{
    /* A weekday written in full suggests its three letters; a date in
     * year 0 says why it is refused. */
    const char *t = "start: 0000-01-01\nend: 2031-03-31\n"
                    "teams:\n  - {name: core, wte: 1, share: 100%, days: [monday, Thursday, tues, xyz]}\n";
    expect_buffer("w.yaml", t, strlen(t),
                  "w.yaml:1:8: start: expected a date YYYY-MM-DD, got \"0000-01-01\" (years run from 0001 to 9999)\n"
                  "w.yaml:4:46: teams[core].days[0]: expected one of mon, tue, wed, thu, fri, sat, sun, got "
                  "\"monday\" (did you mean \"mon\"?)\n"
                  "w.yaml:4:54: teams[core].days[1]: expected one of mon, tue, wed, thu, fri, sat, sun, got "
                  "\"Thursday\" (did you mean \"thu\"?)\n"
                  "w.yaml:4:64: teams[core].days[2]: expected one of mon, tue, wed, thu, fri, sat, sun, got \"tues\" "
                  "(did you mean \"tue\"?)\n"
                  "w.yaml:4:70: teams[core].days[3]: expected one of mon, tue, wed, thu, fri, sat, sun, got \"xyz\"\n");
}

Test(conf_errors, empty_map_key)
{
    /* A name in a map of shares is never empty. */
    const char *t = "start: 2026-04-01\nend: 2031-03-31\ndemand:\n  sources: {\"\": 60%, gp: 40%}\n";
    expect_buffer("e.yaml", t, strlen(t),
                  "e.yaml:4:13: demand.sources.\"\": expected a non-empty name, got \"\"\n");
}
