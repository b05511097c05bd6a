/*
 * app/report.c: summaries, the tidy CSV and the printed tables.
 */
#include "app/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct iapt_years *years_create(const iapt_results *r);
static void years_destroy(struct iapt_years *t);

/* Measures in % that can pass 100: utilisation (overbooked diaries, courses
 * held beyond the cap after a transfer, rooms withdrawn under running
 * groups) and access (entering treatment / prevalence). */
static int over_100_possible(int measure)
{
    return measure == M_CASELOAD_UTIL || measure == M_DIARY_UTIL || measure == M_ROOM_UTIL ||
           measure == M_ACCESS_ANNUALISED || measure == M_ACCESS_FY;
}

void iapt_measure_range(int measure, double *lo, double *hi)
{
    *lo = 0;
    *hi = strcmp(iapt_measure_catalogue[measure].unit, "%") == 0 && !over_100_possible(measure) ? 100 : INFINITY;
}

/* Cuts c's interval at [lo, hi] (the mean and half-width are kept). */
static void clamp_ci(sim_ci *c, double lo, double hi)
{
    if (c->lo < lo)
        c->lo = lo;
    if (c->hi > hi)
        c->hi = hi;
}

int iapt_results_summarise(iapt_results *r)
{
    const iapt_layout *l = &r->m->layout;
    size_t nout = iapt_model_nout(r->m);
    r->ci = malloc(nout * sizeof *r->ci);
    if (!r->ci)
        return -1;
    for (size_t k = 0; k < nout; k++) {
        double lo, hi;
        iapt_measure_range(l->series[k / (size_t)l->nmonths].measure, &lo, &hi);
        r->ci[k] = sim_ci_column(r->x, r->nrep, nout, k, r->level);
        clamp_ci(&r->ci[k], lo, hi);
    }
    r->years = years_create(r);
    return r->years ? 0 : -1;
}

void iapt_results_free(iapt_results *r)
{
    free(r->x);
    free(r->ci);
    years_destroy(r->years);
    r->x = NULL;
    r->ci = NULL;
    r->years = NULL;
}

static int nmonths(const iapt_results *r) { return r->m->layout.nmonths; }

const sim_ci *iapt_results_get(const iapt_results *r, int measure, const char *group, int month)
{
    long s = iapt_series_find(&r->m->layout, iapt_measure_catalogue[measure].name, group);
    if (s < 0 || month < 0 || month >= nmonths(r))
        return NULL;
    return &r->ci[(size_t)s * (size_t)nmonths(r) + (size_t)month];
}

static void month_label(const iapt_results *r, int m, char buf[8])
{
    char d[11];
    sim_date_format(sim_date_add_months(r->m->layout.first_month, m), d);
    memcpy(buf, d, 7);
    buf[7] = '\0';
}

/* Names are identifiers (the scenario language refuses commas, quotes and
 * line breaks in them); quoting keeps the files well formed whatever a
 * label holds. */
void iapt_report_csv_text(FILE *out, const char *s)
{
    fputc(',', out);
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_value(FILE *out, double v)
{
    if (isnan(v))
        fputs(",NA", out);
    else
        fprintf(out, ",%.10g", v);
}

/* ",mean,ci_low,ci_high,n" */
static void csv_ci(FILE *out, const sim_ci *c)
{
    csv_value(out, c->mean);
    csv_value(out, c->lo);
    csv_value(out, c->hi);
    fprintf(out, ",%zu\n", c->n);
}

int iapt_report_csv(const iapt_results *r, FILE *out)
{
    const iapt_layout *l = &r->m->layout;
    fputs("month,measure,group,mean,ci_low,ci_high,n\n", out);
    for (int m = 0; m < l->nmonths; m++) {
        char ml[8];
        month_label(r, m, ml);
        for (size_t s = 0; s < l->nseries; s++) {
            const sim_ci *c = &r->ci[s * (size_t)l->nmonths + (size_t)m];
            fputs(ml, out);
            iapt_report_csv_text(out, iapt_measure_catalogue[l->series[s].measure].name);
            iapt_report_csv_text(out, l->series[s].group);
            csv_ci(out, c);
        }
    }
    return ferror(out) ? -1 : 0;
}

/* ---- the printed tables --------------------------------------------------- */

/* Tables are laid out in display columns, not bytes: "±" is two bytes of
 * UTF-8, and names in a scenario may be any UTF-8 text. */

/* The code point at s (advancing *s past it); an invalid byte is taken as
 * itself. */
static unsigned next_code_point(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    unsigned c = p[0];
    int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    for (int i = 1; i <= n; i++)
        if ((p[i] & 0xC0) != 0x80)
            n = 0;
    if (n)
        c &= 0x3Fu >> n;
    for (int i = 1; i <= n; i++)
        c = c << 6 | (p[i] & 0x3Fu);
    *s += 1 + n;
    return c;
}

/* Columns a code point takes on a terminal: 0 for combining marks and
 * zero-width characters, 2 for East Asian wide ones and emoji, else 1. */
static int code_point_width(unsigned c)
{
    if ((c >= 0x300 && c <= 0x36F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
        (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x200B && c <= 0x200F) ||
        (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF)
        return 0;
    if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
        (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
        (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
        (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

/* Display width of UTF-8 text. */
static int text_width(const char *s)
{
    int w = 0;
    while (*s)
        w += code_point_width(next_code_point(&s));
    return w;
}

/* Copies s into buf (n bytes), cut to at most `width` columns at a
 * character boundary. */
static void clip(char *buf, size_t n, const char *s, int width)
{
    const char *p = s;
    int w = 0;
    while (*p) {
        const char *q = p;
        int cw = code_point_width(next_code_point(&q));
        if (w + cw > width || (size_t)(q - s) >= n)
            break;
        w += cw;
        p = q;
    }
    snprintf(buf, n, "%.*s", (int)(p - s), s);
}

/* s right-aligned (or left-aligned) in `width` columns. */
static void put_right(FILE *out, const char *s, int width)
{
    fprintf(out, "%*s%s", width > text_width(s) ? width - text_width(s) : 0, "", s);
}

static void put_left(FILE *out, const char *s, int width)
{
    fprintf(out, "%s%*s", s, width > text_width(s) ? width - text_width(s) : 0, "");
}

/* Whether c's interval was cut at its low or high end (up to rounding, as
 * a table may scale it). */
static int cut_low(const sim_ci *c) { return c->lo - (c->mean - c->half) > 1e-9 * (fabs(c->mean) + c->half); }
static int cut_high(const sim_ci *c) { return (c->mean + c->half) - c->hi > 1e-9 * (fabs(c->mean) + c->half); }

/* The text of a cell with `dec` decimals (see cell). */
static void cell_text(char *buf, size_t n, const sim_ci *c, int dec)
{
    if (!c || c->n == 0 || isnan(c->mean))
        snprintf(buf, n, "-");
    else if (c->n < 2 || isnan(c->half) || c->half == 0)
        snprintf(buf, n, "%.*f", dec, c->mean);
    else if (cut_low(c) && cut_high(c))
        snprintf(buf, n, "%.*f (%g-%g)", dec, c->mean, c->lo, c->hi);
    else if (cut_low(c))
        snprintf(buf, n, "%.*f +%.*f", dec, c->mean, dec, c->half);
    else if (cut_high(c))
        snprintf(buf, n, "%.*f -%.*f", dec, c->mean, dec, c->half);
    else
        snprintf(buf, n, "%.*f ±%.*f", dec, c->mean, dec, c->half);
}

/* A cell in a field of `width` columns, with `dec` decimals (fewer if it
 * would not fit): "mean ±half"; an interval cut at the measure's range
 * shows only its open side ("100.0 -0.1": 99.9 to 100; "5 +7": 0 to 12),
 * one cut at both ends the range ("50.0 (0-100)"); the last column holds
 * "*" when fewer of r's replications than were run had a value. Returns 1
 * for "*". */
static int cell(FILE *out, const iapt_results *r, const sim_ci *c, int width, int dec)
{
    char buf[96];
    int partial = c && c->n > 0 && c->n < r->nrep;
    cell_text(buf, sizeof buf, c, dec);
    while (dec > 0 && text_width(buf) > width - 1)
        cell_text(buf, sizeof buf, c, --dec);
    fputc(' ', out);
    put_right(out, buf, width - 1);
    fputc(partial ? '*' : ' ', out);
    return partial;
}

static const char partial_note[] =
    "  *: from fewer than all replications (the others had no value that month or year)\n";

/* Mark of a measure against a target: met with confidence, missed, or
 * uncertain (the interval straddles the target). */
static const char *mark(const sim_ci *c, double target)
{
    if (!c || c->n == 0 || isnan(c->mean))
        return " ";
    if (c->lo >= target)
        return "+";
    if (c->hi < target)
        return "-";
    return "?";
}

/* Column heads of the standards, from the scenario: "<=6 weeks %" and
 * "(std 75%)". */
static void standard_heads(double limit_days, double share, char *head, char *std, size_t n)
{
    snprintf(head, n, "<=%g weeks %%", limit_days / 7);
    snprintf(std, n, "(std %g%%)", 100 * share);
}

static void monthly_table(const iapt_results *r, FILE *out)
{
    const iapt_service_cfg *sv = &r->m->sc->service;
    char h6[32], s6[32], h18[32], s18[32], hrec[32];
    standard_heads(sv->limit_6_weeks, sv->standard_6_weeks, h6, s6, sizeof h6);
    standard_heads(sv->limit_18_weeks, sv->standard_18_weeks, h18, s18, sizeof h18);
    snprintf(hrec, sizeof hrec, "(std %g%%)", 100 * sv->recovery_target);
    fprintf(out, "%-8s %12s %12s %13s %12s %11s %14s %14s %14s %13s\n", "month", "referrals", "entered", "access FY %",
            "waiting", "median wait", h6, h18, "recovery %", "qualified");
    fprintf(out, "%-8s %12s %12s %13s %12s %11s %14s %14s %14s %13s\n", "", "", "treatment", "", "list", "days", s6,
            s18, hrec, "WTE in post");
    int partial = 0;
    for (int m = 0; m < nmonths(r); m++) {
        char ml[8];
        month_label(r, m, ml);
        fprintf(out, "%-8s", ml);
        partial |= cell(out, r, iapt_results_get(r, M_REFERRALS, "all", m), 12, 0);
        partial |= cell(out, r, iapt_results_get(r, M_ENTERED, "all", m), 12, 0);
        partial |= cell(out, r, iapt_results_get(r, M_ACCESS_FY, "all", m), 13, 1);
        partial |= cell(out, r, iapt_results_get(r, M_WAITING, "all", m), 12, 0);
        partial |= cell(out, r, iapt_results_get(r, M_WAIT_MEDIAN, "all", m), 11, 0);
        const sim_ci *w6 = iapt_results_get(r, M_WITHIN_6W, "all", m), *w18 = iapt_results_get(r, M_WITHIN_18W, "all", m),
                     *rec = iapt_results_get(r, M_RECOVERY, "all", m);
        partial |= cell(out, r, w6, 12, 1);
        fprintf(out, " %s", mark(w6, 100 * sv->standard_6_weeks));
        partial |= cell(out, r, w18, 12, 1);
        fprintf(out, " %s", mark(w18, 100 * sv->standard_18_weeks));
        partial |= cell(out, r, rec, 12, 1);
        fprintf(out, " %s", mark(rec, 100 * sv->recovery_target));
        partial |= cell(out, r, iapt_results_get(r, M_WTE_QUALIFIED, "all", m), 13, 1);
        fputc('\n', out);
    }
    fputs("  +: meets the standard with the stated confidence; -: misses it; ?: the interval straddles it\n", out);
    if (partial)
        fputs(partial_note, out);
}

/* ---- further monthly tables: one column per series ------------------------ */

typedef struct column {
    int measure;
    char group[160];
    char head[2][48];  /* two header lines, at most HEAD_WIDTH columns each */
    int dec;
} column;

#define MAX_COLUMNS 16
#define HEAD_WIDTH 11

static void add_column(column *c, int *n, int measure, const char *group, const char *h1, const char *h2, int dec)
{
    if (*n >= MAX_COLUMNS)
        return;
    column *k = &c[(*n)++];
    k->measure = measure;
    snprintf(k->group, sizeof k->group, "%s", group);
    clip(k->head[0], sizeof k->head[0], h1, HEAD_WIDTH);
    clip(k->head[1], sizeof k->head[1], h2, HEAD_WIDTH);
    k->dec = dec;
}

static void column_table(const iapt_results *r, FILE *out, const char *title, const column *c, int n)
{
    fprintf(out, "\n%s\n", title);
    for (int line = 0; line < 2; line++) {
        fprintf(out, "%-8s", line ? "" : "month");
        for (int k = 0; k < n; k++) {
            fputc(' ', out);
            put_right(out, c[k].head[line], HEAD_WIDTH);
        }
        fputc('\n', out);
    }
    int partial = 0;
    for (int m = 0; m < nmonths(r); m++) {
        char ml[8];
        month_label(r, m, ml);
        fprintf(out, "%-8s", ml);
        for (int k = 0; k < n; k++)
            partial |= cell(out, r, iapt_results_get(r, c[k].measure, c[k].group, m), HEAD_WIDTH, c[k].dec);
        fputc('\n', out);
    }
    if (partial)
        fputs(partial_note, out);
}

/* Lists by stage, the tail of the wait, the hidden wait, people in
 * treatment and waiting for reallocation, and step-up. */
static void flow_table(const iapt_results *r, FILE *out)
{
    column c[MAX_COLUMNS];
    int n = 0;
    char h18[40];
    snprintf(h18, sizeof h18, ">%.3g weeks", r->m->sc->service.limit_18_weeks / 7);
    add_column(c, &n, M_WAITING, "stage:assessment", "waiting for", "assessment", 0);
    add_column(c, &n, M_WAITING, "stage:step2", "waiting for", "step 2", 0);
    add_column(c, &n, M_WAITING, "stage:step3", "waiting for", "step 3", 0);
    add_column(c, &n, M_WAITING_18W, "all", "waiting", h18, 0);
    add_column(c, &n, M_WAIT_P90, "all", "wait p90", "days", 0);
    add_column(c, &n, M_HIDDEN_MEDIAN, "all", "hidden wait", "median days", 0);
    add_column(c, &n, M_IN_TREATMENT, "all", "in", "treatment", 0);
    add_column(c, &n, M_WAITING_REALLOC, "all", "mid-course", "unallocated", 0);
    add_column(c, &n, M_STEP_UP_SHARE, "all", "step-up %", "of step 2", 1);
    column_table(r, out, "waiting lists at month end, waits of people entering treatment, step-up", c, n);
}

/* Whether some pathway's source `name` responds to waits (any source when
 * name is NULL). */
static int source_responds(const iapt_scenario *sc, const char *name)
{
    for (size_t p = 0; p < sc->pathways.n; p++) {
        const conf_list *w = &IAPT_ITEM(sc->pathways, iapt_pathway_cfg, p)->wait_response;
        for (size_t i = 0; i < w->n; i++)
            if (!name || strcmp(IAPT_ITEM(*w, iapt_wait_response_cfg, i)->source, name) == 0)
                return 1;
    }
    return 0;
}

/* With wait responses: referrals made and lost, in all and for each
 * responding source. */
static void lost_referrals_table(const iapt_results *r, FILE *out)
{
    const iapt_layout *l = &r->m->layout;
    column c[MAX_COLUMNS];
    int n = 0;
    if (!source_responds(r->m->sc, NULL))
        return;
    add_column(c, &n, M_REFERRALS, "all", "referrals", "made", 0);
    add_column(c, &n, M_REFERRALS_LOST, "all", "referrals", "lost", 0);
    for (int s = 0; s < l->nsources && n + 2 <= MAX_COLUMNS; s++) {
        if (!source_responds(r->m->sc, l->sources[s]))
            continue;
        char g[160];
        snprintf(g, sizeof g, "source:%s", l->sources[s]);
        add_column(c, &n, M_REFERRALS, g, l->sources[s], "made", 0);
        add_column(c, &n, M_REFERRALS_LOST, g, l->sources[s], "lost", 0);
    }
    column_table(r, out,
                 "referrals made and lost to long waits (sources with a wait_response refer less while the "
                 "pathway's current wait is long)",
                 c, n);
}

/* Waits by pathway: referral to first treatment, and joining each step's
 * list to its first session (core and LTC, step 2 and step 3 apart). */
static void pathway_waits_table(const iapt_results *r, FILE *out)
{
    const conf_list *pw = &r->m->sc->pathways;
    column c[MAX_COLUMNS];
    int n = 0;
    for (size_t p = 0; p < pw->n && n + 3 <= MAX_COLUMNS; p++) {
        const char *name = IAPT_ITEM(*pw, iapt_pathway_cfg, p)->name;
        char g[160];
        snprintf(g, sizeof g, "pathway:%s", name);
        add_column(c, &n, M_WAIT_MEDIAN, g, name, "first treat", 0);
        snprintf(g, sizeof g, "pathway:%s/step:2", name);
        add_column(c, &n, M_STEP_WAIT_MEDIAN, g, name, "step 2", 0);
        snprintf(g, sizeof g, "pathway:%s/step:3", name);
        add_column(c, &n, M_STEP_WAIT_MEDIAN, g, name, "step 3", 0);
    }
    column_table(r, out,
                 "median waits by pathway, days: referral to first treatment; joining the step's list (after "
                 "assessment or step-up) to its first session",
                 c, n);
}

/* With several pathways: each one's people entering treatment, share
 * within the 6-week standard and mean wait for step 3 (the core waits a
 * transfer to an LTC team moves). */
static void pathway_standards_table(const iapt_results *r, FILE *out)
{
    const conf_list *pw = &r->m->sc->pathways;
    column c[MAX_COLUMNS];
    int n = 0;
    if (pw->n < 2)
        return;
    char h6[32];
    snprintf(h6, sizeof h6, "<=%gw %%", r->m->sc->service.limit_6_weeks / 7);
    for (size_t p = 0; p < pw->n && n + 3 <= MAX_COLUMNS; p++) {
        const char *name = IAPT_ITEM(*pw, iapt_pathway_cfg, p)->name;
        char g[160];
        snprintf(g, sizeof g, "pathway:%s", name);
        add_column(c, &n, M_ENTERED, g, name, "entered", 0);
        add_column(c, &n, M_WITHIN_6W, g, name, h6, 1);
        snprintf(g, sizeof g, "pathway:%s/step:3", name);
        add_column(c, &n, M_STEP_WAIT_MEAN, g, name, "step 3 mean", 0);
    }
    column_table(r, out,
                 "by pathway: people entering treatment, share within the 6-week standard, mean wait for step 3 "
                 "(days, joining its list to the first session)",
                 c, n);
}

/* Caseload and diary utilisation by grade. */
static void load_table(const iapt_results *r, FILE *out)
{
    const conf_list *gr = &r->m->sc->workforce.grades;
    column c[MAX_COLUMNS];
    int n = 0;
    for (size_t g = 0; g < gr->n && n + 2 <= MAX_COLUMNS; g++) {
        const char *name = IAPT_ITEM(*gr, iapt_grade_cfg, g)->name;
        char grp[160];
        snprintf(grp, sizeof grp, "grade:%s", name);
        add_column(c, &n, M_CASELOAD_UTIL, grp, name, "caseload %", 0);
        add_column(c, &n, M_DIARY_UTIL, grp, name, "diary %", 0);
    }
    column_table(r, out, "staff load by grade: caseload places held, diary minutes booked", c, n);
}

/* ---- yearly summaries, computed per replication ----------------------------- */

typedef struct year {
    int first, last;  /* months */
    char label[16];
} year;

static int financial_years(const iapt_results *r, year *y, int max)
{
    int n = 0;
    for (int m = 0; m < nmonths(r) && n < max; m++) {
        int yy, mm, dd;
        sim_date_to_ymd(sim_date_add_months(r->m->layout.first_month, m), &yy, &mm, &dd);
        int fy = mm >= 4 ? yy : yy - 1;
        char label[16];
        snprintf(label, sizeof label, "%d/%02d", fy, (fy + 1) % 100);
        if (n == 0 || strcmp(y[n - 1].label, label) != 0) {
            y[n].first = m;
            memcpy(y[n].label, label, sizeof label);
            n++;
        }
        y[n - 1].last = m;
    }
    return n;
}

/* Series s (-1: none) in month m of replication rep. */
static double value(const iapt_results *r, size_t rep, long s, int m)
{
    if (s < 0)
        return NAN;
    return r->x[rep * iapt_model_nout(r->m) + (size_t)s * (size_t)nmonths(r) + (size_t)m];
}

/* How a row sums a year's months: their total, the last month's value,
 * the monthly values weighted by a count measure, a ratio of two totals,
 * the largest, the mean of the months with a value (month-end stocks),
 * or the monthly rates weighted by the days simulated in each month
 * (annualised rates). */
typedef enum agg { SUM, LAST, WEIGHTED, RATIO, MAX, MEAN, DAYS } agg;

typedef struct row {
    const char *label;
    int measure;
    agg how;
    int weight;        /* WEIGHTED: measure whose counts weight the monthly shares; RATIO: denominator */
    double scale;      /* RATIO: multiply the ratio by (100 for a share in %); SUM: printed x this (0: 1) */
    double target;     /* < 0: none; else a share in % (access: pro rata per year) */
    int dec;
    const char *name;  /* the measure column of years.csv */
    double cap;        /* RATIO: top of the range (100: a share of a whole in %), 0: none; others: the measure's */
    const char *group; /* the row's own group (NULL: the group the row is added for) */
} row;

/* Days of month m that the run simulates. */
static double month_days(const iapt_results *r, int m)
{
    const iapt_scenario *sc = r->m->sc;
    sim_date from = sim_date_add_months(r->m->layout.first_month, m), to = sim_date_add_months(from, 1);
    if (from < sc->run.start)
        from = sc->run.start;
    if (to > sc->run.end + 1)
        to = sc->run.end + 1;
    return (double)(to - from);
}

/* The year's value of a row in one replication, from series s (its
 * measure for its group) and sw (the weight or denominator, for the same
 * group; -1 if the row has none). */
static double year_value(const iapt_results *r, size_t rep, const row *w, long s, long sw, const year *y)
{
    double num = 0, den = 0;
    for (int m = y->first; m <= y->last; m++) {
        double v = value(r, rep, s, m);
        switch (w->how) {
        case SUM: num += v; den = 1; break;
        case LAST: num = v; den = 1; break;
        case MAX:
            if (!isnan(v) && (den == 0 || v > num))
                num = v, den = 1;
            break;
        case WEIGHTED: {
            double wt = value(r, rep, sw, m);
            if (!isnan(v) && wt > 0)
                num += v * wt, den += wt;
            break;
        }
        case RATIO:
            num += v;
            den += value(r, rep, sw, m);
            break;
        case MEAN:
            if (!isnan(v))
                num += v, den += 1;
            break;
        case DAYS:
            if (!isnan(v))
                num += v * month_days(r, m), den += month_days(r, m);
            break;
        }
    }
    if (w->how == RATIO)
        return den > 0 ? w->scale * num / den : NAN;
    return den > 0 ? num / den : NAN;
}

static const row year_rows[] = {
    {"referrals", M_REFERRALS, SUM, 0, 0, -1, 0, "referrals", 0, NULL},
    {"entered treatment", M_ENTERED, SUM, 0, 0, -1, 0, "entered_treatment", 0, NULL},
    {"access (% of prevalence)", M_ACCESS_FY, LAST, 0, 0, -2, 1, "access_fy", 0, NULL},
    {"access, annualised (%)", M_ACCESS_ANNUALISED, DAYS, 0, 0, -6, 1, "access_annualised", 0, NULL},
    {"within 6 weeks (%)", M_WITHIN_6W, WEIGHTED, M_ENTERED, 0, -3, 1, "within_6_weeks", 0, NULL},
    {"within 18 weeks (%)", M_WITHIN_18W, WEIGHTED, M_ENTERED, 0, -4, 1, "within_18_weeks", 0, NULL},
    {"mean wait to first treatment (days)", M_WAIT_MEAN, WEIGHTED, M_ENTERED, 0, -1, 1, "wait_mean", 0, NULL},
    {"waiting list at year end", M_WAITING, LAST, 0, 0, -1, 0, "waiting_year_end", 0, NULL},
    {"waiting for reallocation at year end", M_WAITING_REALLOC, LAST, 0, 0, -1, 0, "waiting_reallocation_year_end",
     0, NULL},
    {"finished courses", M_FINISHED, SUM, 0, 0, -1, 0, "finished_courses", 0, NULL},
    {"recovery (%)", M_RECOVERY, WEIGHTED, M_FINISHED_CASES, 0, -5, 1, "recovery_rate", 0, NULL},
    {"reliable improvement (%)", M_RELIABLE_IMPROVEMENT, WEIGHTED, M_FINISHED, 0, -1, 1, "reliable_improvement_rate",
     0, NULL},
    {"finished courses per person treated (%)", M_FINISHED, RATIO, M_TREATED_EXITS, 100, -1, 1,
     "finished_per_person_treated", 100, NULL},
    {"finished: low intensity only (%)", M_SPLIT_LI_ONLY, WEIGHTED, M_FINISHED, 0, -1, 1, "treated_li_only", 0, NULL},
    {"finished: low then high (%)", M_SPLIT_LI_HI, WEIGHTED, M_FINISHED, 0, -1, 1, "treated_li_and_hi", 0, NULL},
    {"finished: high intensity only (%)", M_SPLIT_HI_ONLY, WEIGHTED, M_FINISHED, 0, -1, 1, "treated_hi_only", 0, NULL},
    {"DNA rate (%)", M_DNAS, RATIO, M_APPOINTMENTS, 100, -1, 1, "dna_rate", 100, NULL},
    {"missed appointments (DNAs)", M_DNAS, SUM, 0, 0, -1, 0, "dnas", 0, NULL},
    {"discharged after missed appointments", M_DNA_DISCHARGED, SUM, 0, 0, -1, 0, "dna_discharges", 0, NULL},
    {"drop-outs", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0, NULL},
    {"  waiting for assessment", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0, "stage:waiting_assessment"},
    {"  waiting for step 2", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0, "stage:waiting_step2"},
    {"  waiting for step 3", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0, "stage:waiting_step3"},
    {"  first to second session", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0, "stage:first_to_second"},
    {"  first to second, after step-up", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0,
     "stage:first_to_second_after_step_up"},
    {"  later in treatment", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0, "stage:in_treatment"},
    {"  waiting for reallocation", M_DROPOUTS, SUM, 0, 0, -1, 0, "dropouts", 0, "stage:waiting_reallocation"},
    {"qualified WTE at year end", M_WTE_QUALIFIED, LAST, 0, 0, -1, 1, "wte_qualified_year_end", 0, NULL},
    {"trainee WTE at year end", M_WTE_TRAINEE, LAST, 0, 0, -1, 1, "wte_trainee_year_end", 0, NULL},
    {"vacancies (WTE) at year end", M_VACANCIES, LAST, 0, 0, -1, 1, "vacancies_wte_year_end", 0, NULL},
    {"staff cost (GBP thousands)", M_STAFF_COST, SUM, 0, 0.001, -1, 0, "staff_cost", 0, NULL},
    {"staff cost / finished course (GBP)", M_STAFF_COST, RATIO, M_FINISHED, 1, -1, 0, "cost_per_finished_course", 0,
     NULL},
    {"staff cost / entered treatment (GBP)", M_STAFF_COST, RATIO, M_ENTERED, 1, -1, 0, "cost_per_entered_treatment",
     0, NULL},
};

/* Rows in years.csv only (the summary shows them by month): step-up, the
 * tail of the wait and the hidden wait of the financial year (from the
 * model's counts since 1 April, so exact quantiles of the year, not means
 * of monthly ones), and utilisation (diaries: hours booked / available;
 * caseloads: the mean of the month ends), for the service and by grade
 * (util_rows). */
static const row csv_rows[] = {
    {"step-up (% of step 2 completions)", M_STEPPED_UP, RATIO, M_STEP2_COMPLETED, 100, -1, 1, "step_up_share", 100,
     NULL},
    {"wait p90 (days)", M_WAIT_P90_FY, LAST, 0, 0, -1, 1, "wait_p90", 0, NULL},
    {"hidden wait median (days)", M_HIDDEN_MEDIAN_FY, LAST, 0, 0, -1, 1, "hidden_wait_median", 0, NULL},
    {"hidden wait mean (days)", M_HIDDEN_MEAN_FY, LAST, 0, 0, -1, 1, "hidden_wait_mean", 0, NULL},
};
static const row util_rows[] = {
    {"diary utilisation (%)", M_DIARY_HOURS_BOOKED, RATIO, M_DIARY_HOURS_AVAILABLE, 100, -1, 1, "diary_utilisation",
     0, NULL},
    {"caseload utilisation (%), mean of month ends", M_CASELOAD_UTIL, MEAN, 0, 0, -1, 1, "caseload_utilisation", 0,
     NULL},
};

/* Each pathway's own rows, when there is more than one (label after the
 * pathway's name; group "pathway:NAME", or "pathway:NAME/step:3"). */
static const row pathway_rows[] = {
    {"entered treatment", M_ENTERED, SUM, 0, 0, -1, 0, "entered_treatment", 0, NULL},
    {"within 6 weeks (%)", M_WITHIN_6W, WEIGHTED, M_ENTERED, 0, -3, 1, "within_6_weeks", 0, NULL},
    {"step 3 mean wait (days)", M_STEP_WAIT_MEAN, WEIGHTED, M_ENTERED, 0, -1, 1, "step_wait_mean", 0, NULL},
};

/* Staff flows per financial year (the workforce section of the summary). */
static const row workforce_rows[] = {
    {"recruits starting", M_STARTERS, SUM, 0, 0, -1, 1, "starters", 0, NULL},
    {"recruits withdrawn (post cut/frozen)", M_RECRUITS_WITHDRAWN, SUM, 0, 0, -1, 1, "recruits_withdrawn", 0, NULL},
    {"qualified staff leaving", M_LEAVERS, SUM, 0, 0, -1, 1, "leavers", 0, NULL},
    {"seconded to training", M_SECONDED, SUM, 0, 0, -1, 1, "seconded", 0, NULL},
    {"moved team (transfers)", M_TRANSFERS_IN, SUM, 0, 0, -1, 1, "transfers_in", 0, NULL},
    {"trainees starting", M_TRAINEES_STARTED, SUM, 0, 0, -1, 1, "trainees_started", 0, NULL},
    {"trainees qualifying into posts", M_TRAINEES_QUALIFIED, SUM, 0, 0, -1, 1, "trainees_qualified", 0, NULL},
    {"trainees leaving during training", M_TRAINEES_ATTRITION, SUM, 0, 0, -1, 1, "trainees_left_attrition", 0, NULL},
    {"trainees qualifying, not retained", M_TRAINEES_NOT_RETAINED, SUM, 0, 0, -1, 1, "trainees_left_not_retained", 0,
     NULL},
    {"trainees qualifying, no post free", M_TRAINEES_NO_POST, SUM, 0, 0, -1, 1, "trainees_left_no_post", 0, NULL},
    {"frozen vacancies (WTE) at year end", M_FROZEN_VACANCIES, LAST, 0, 0, -1, 1, "frozen_vacancies_wte_year_end", 0,
     NULL},
    {"supervision short (h/week), year end", M_SUPERVISION_SHORTFALL, LAST, 0, 0, -1, 1,
     "supervision_shortfall_year_end", 0, NULL},
    {"training days lost (short supervision)", M_TRAINING_DAYS_LOST, SUM, 0, 0, -1, 1, "training_days_lost", 0, NULL},
};

/* The workforce per financial year by team and grade (and by grade, and
 * for the service, where year_rows do not already give them): in
 * years.csv, and the team and grade ones in the summary's workforce table.
 * Stocks at year end; clinical hours per WTE (a monthly rate) weighted by
 * the days of each month; caseload per WTE and supervision hours a week
 * (month-end values) as the mean of the month ends; time shares over the
 * year's contracted clinic time. */
static const row staff_rows[] = {
    {"funded WTE at year end", M_ESTABLISHMENT, LAST, 0, 0, -1, 1, "establishment_wte_year_end", 0, NULL},
    {"headcount at year end", M_HEADCOUNT, LAST, 0, 0, -1, 0, "headcount_year_end", 0, NULL},
    {"qualified WTE at year end", M_WTE_QUALIFIED, LAST, 0, 0, -1, 1, "wte_qualified_year_end", 0, NULL},
    {"trainee WTE at year end", M_WTE_TRAINEE, LAST, 0, 0, -1, 1, "wte_trainee_year_end", 0, NULL},
    {"vacancies (WTE) at year end", M_VACANCIES, LAST, 0, 0, -1, 1, "vacancies_wte_year_end", 0, NULL},
    {"clinical hours a week per WTE", M_CLINICAL_HOURS_PER_WTE, DAYS, 0, 0, -1, 1, "clinical_hours_per_wte", 0,
     NULL},
    {"caseload per WTE", M_CASELOAD_PER_WTE, MEAN, 0, 0, -1, 1, "caseload_per_wte", 0, NULL},
    {"training time (% of clinic time)", M_TRAINING_TIME_SHARE, WEIGHTED, M_CONTRACTED_HOURS, 0, -1, 1,
     "training_time_share", 0, NULL},
    {"supervising time (% of clinic time)", M_SUPERVISION_TIME_SHARE, WEIGHTED, M_CONTRACTED_HOURS, 0, -1, 1,
     "supervision_time_share", 0, NULL},
    {"supervision required (h/week)", M_SUPERVISION_REQUIRED, MEAN, 0, 0, -1, 1, "supervision_required", 0, NULL},
    {"supervision available (h/week)", M_SUPERVISION_AVAILABLE, MEAN, 0, 0, -1, 1, "supervision_available", 0, NULL},
    {"supervision given (h/week)", M_SUPERVISION_GIVEN, MEAN, 0, 0, -1, 1, "supervision_given", 0, NULL},
};
/* The staff_rows the summary's workforce table shows, in its order. */
static const int staff_shown[] = {0, 2, 3, 4, 5, 6, 7, 8};

/* Rooms per financial year, for each site and for all sites together. */
static const row room_rows[] = {
    {"room hours available", M_ROOM_HOURS_AVAILABLE, SUM, 0, 0, -1, 0, "room_hours_available", 0, NULL},
    {"room hours booked", M_ROOM_HOURS_BOOKED, SUM, 0, 0, -1, 0, "room_hours_booked", 0, NULL},
    {"room utilisation (%)", M_ROOM_HOURS_BOOKED, RATIO, M_ROOM_HOURS_AVAILABLE, 100, -1, 1, "room_utilisation", 0,
     NULL},
    {"room cost (GBP)", M_ROOM_COST, SUM, 0, 0, -1, 0, "room_cost", 0, NULL},
    {"bookings delayed for want of a room", M_ROOM_DELAYED, SUM, 0, 0, -1, 0, "room_delayed", 0, NULL},
    {"delayed bookings: mean delay (days)", M_ROOM_DELAY_MEAN, WEIGHTED, M_ROOM_DELAYED, 0, -1, 1, "room_delay_mean",
     0, NULL},
    {"most waiting for a room at a month end", M_ROOM_WAITING, MAX, 0, 0, -1, 0, "room_waiting_max", 0, NULL},
    {"face-to-face appointments", M_APPTS_F2F, SUM, 0, 0, -1, 0, "appointments_face_to_face", 0, NULL},
    /* all sites only */
    {"remote appointments (no room)", M_APPTS_REMOTE, SUM, 0, 0, -1, 0, "appointments_remote", 0, NULL},
};
#define MAX_ROOM_SITES 8 /* sites shown one by one in the summary; all sites are always summed */
#define LABEL_WIDTH 38   /* columns of the yearly tables' labels, unless a name makes one longer */

#define NROWS(a) (sizeof(a) / sizeof(a)[0])

/* Target of a row for a year: coded as negative numbers for the service's
 * standards so that scenario changes to the standards are honoured. */
static double row_target(const iapt_results *r, const row *w, const year *y)
{
    const iapt_service_cfg *sv = &r->m->sc->service;
    switch ((int)w->target) {
    case -2: return 100 * sv->access_target * (y->last - y->first + 1) / 12.0;
    case -3: return 100 * sv->standard_6_weeks;
    case -4: return 100 * sv->standard_18_weeks;
    case -5: return 100 * sv->recovery_target;
    case -6: return 100 * sv->access_target;
    default: return NAN;
    }
}

/* A line of the yearly tables: a row for one group, the series it reads
 * (found once, when the line is added), and its summary for each year
 * (computed inside each replication, then across them). */
typedef struct yline {
    row w;
    char label[96];
    char group[160];
    long s, sw;        /* series of the row's measure and of its weight (-1: none) */
    sim_ci *ci;        /* per year */
} yline;

/* A printed table of the summary: a title over lines [from, to). */
typedef struct ysection {
    char title[200];
    size_t from, to;
} ysection;

/* The yearly tables: financial years and their lines, in sections: the
 * service (with each pathway's rows when there are several), the
 * workforce flows, and with sites the rooms of each site (the first
 * MAX_ROOM_SITES printed) and of all sites. Built once per run by
 * iapt_results_summarise, read by the summary and years.csv. */
struct iapt_years {
    year y[64];
    int ny;
    yline *lines;
    size_t n;
    ysection sec[3 + MAX_ROOM_SITES];
    int nsec, open; /* open: the last section takes the lines being added */
    size_t staff_from, staff_to; /* team and grade lines [from, to): staff_rows for each in turn */
    int label_width; /* columns of the label column: the widest label or title, at least LABEL_WIDTH */
};
typedef struct iapt_years ytable;

/* Starts a section at the next line (title NULL: lines not printed). */
static void add_section(ytable *t, const char *title)
{
    if (t->open)
        t->sec[t->nsec - 1].to = t->n;
    t->open = title != NULL;
    if (!title)
        return;
    ysection *x = &t->sec[t->nsec++];
    snprintf(x->title, sizeof x->title, "%s", title);
    x->from = x->to = t->n;
    if (text_width(x->title) > t->label_width)
        t->label_width = text_width(x->title);
}

static void add_line(const iapt_results *r, ytable *t, const row *w, const char *label, const char *group)
{
    yline *l = &t->lines[t->n++];
    l->w = *w;
    snprintf(l->label, sizeof l->label, "%s", label);
    snprintf(l->group, sizeof l->group, "%s", group);
    l->w.label = l->label;
    if (t->open && text_width(l->label) > t->label_width) /* printed lines only */
        t->label_width = text_width(l->label);
    const iapt_layout *lay = &r->m->layout;
    l->s = iapt_series_find(lay, iapt_measure_catalogue[w->measure].name, group);
    l->sw = w->how == WEIGHTED || w->how == RATIO ? iapt_series_find(lay, iapt_measure_catalogue[w->weight].name, group)
                                                   : -1;
}

static void ytable_free(ytable *t)
{
    for (size_t i = 0; t->lines && i < t->n; i++)
        free(t->lines[i].ci);
    free(t->lines);
    t->lines = NULL;
}

static void years_destroy(struct iapt_years *t)
{
    if (t)
        ytable_free(t);
    free(t);
}

/* The range of a row's yearly value (see iapt_measure_range). */
static void row_range(const row *w, double *lo, double *hi)
{
    iapt_measure_range(w->measure, lo, hi);
    if (w->how == RATIO)
        *hi = w->cap > 0 ? w->cap : INFINITY;
}

/* Summarises every line for every year. 0, or -1 on OOM. */
static int ytable_summarise(const iapt_results *r, ytable *t)
{
    double *tmp = malloc((r->nrep ? r->nrep : 1) * sizeof *tmp);
    for (size_t i = 0; tmp && i < t->n; i++) {
        yline *l = &t->lines[i];
        if (!(l->ci = malloc((size_t)t->ny * sizeof *l->ci)))
            break;
        for (int k = 0; k < t->ny; k++) {
            for (size_t rep = 0; rep < r->nrep; rep++)
                tmp[rep] = year_value(r, rep, &l->w, l->s, l->sw, &t->y[k]);
            double lo, hi;
            row_range(&l->w, &lo, &hi);
            l->ci[k] = sim_ci_column(tmp, r->nrep, 1, 0, r->level);
            clamp_ci(&l->ci[k], lo, hi);
        }
    }
    int ok = tmp && (t->n == 0 || t->lines[t->n - 1].ci);
    free(tmp);
    return ok ? 0 : -1;
}

static void add_rows(const iapt_results *r, ytable *t, const row *rows, size_t n, const char *group)
{
    for (size_t i = 0; i < n; i++)
        add_line(r, t, &rows[i], rows[i].label, rows[i].group ? rows[i].group : group);
}

/* The years.csv-only lines: csv_rows for the service, util_rows for the
 * service and each grade. */
static void add_csv_lines(const iapt_results *r, ytable *t)
{
    const conf_list *gr = &r->m->sc->workforce.grades;
    add_section(t, NULL);
    add_rows(r, t, csv_rows, NROWS(csv_rows), "all");
    add_rows(r, t, util_rows, NROWS(util_rows), "all");
    for (size_t g = 0; g < gr->n; g++) {
        char group[160];
        snprintf(group, sizeof group, "grade:%s", IAPT_ITEM(*gr, iapt_grade_cfg, g)->name);
        add_rows(r, t, util_rows, NROWS(util_rows), group);
    }
}

static void add_pathway_lines(const iapt_results *r, ytable *t)
{
    const conf_list *pw = &r->m->sc->pathways;
    for (size_t p = 0; p < pw->n && pw->n > 1; p++)
        for (size_t i = 0; i < NROWS(pathway_rows); i++) {
            const char *name = IAPT_ITEM(*pw, iapt_pathway_cfg, p)->name;
            char label[96], group[160], shown[64];
            clip(shown, sizeof shown, name, 12);
            snprintf(label, sizeof label, "%s: %s", shown, pathway_rows[i].label);
            const char *step = pathway_rows[i].measure == M_STEP_WAIT_MEAN ? "/step:3" : "";
            snprintf(group, sizeof group, "pathway:%s%s", name, step);
            add_line(r, t, &pathway_rows[i], label, group);
        }
}

/* With wait responses: the referrals lost, in all and for each responding
 * source. */
static const row lost_row = {"referrals lost to long waits", M_REFERRALS_LOST, SUM, 0, 0, -1, 0, "referrals_lost", 0,
                              NULL};

static void add_lost_lines(const iapt_results *r, ytable *t)
{
    const iapt_layout *l = &r->m->layout;
    if (!source_responds(r->m->sc, NULL))
        return;
    add_line(r, t, &lost_row, lost_row.label, "all");
    for (int s = 0; s < l->nsources; s++) {
        if (!source_responds(r->m->sc, l->sources[s]))
            continue;
        char label[96], group[160], shown[64];
        clip(shown, sizeof shown, l->sources[s], 20);
        snprintf(label, sizeof label, "  %s: referrals lost", shown);
        snprintf(group, sizeof group, "source:%s", l->sources[s]);
        add_line(r, t, &lost_row, label, group);
    }
}

static void add_room_lines(const iapt_results *r, ytable *t)
{
    static const char *const kinds[] = {"GP practice", "hospital", "community"};
    const conf_list *sites = &r->m->sc->sites;
    for (size_t i = 0; i < sites->n; i++) {
        const iapt_site_cfg *x = IAPT_ITEM(*sites, iapt_site_cfg, i);
        char title[200], group[160], shown[176];
        clip(shown, sizeof shown, x->name, 40);
        snprintf(title, sizeof title, "rooms: %s (%s)", shown, kinds[x->kind]);
        snprintf(group, sizeof group, "site:%s", x->name);
        add_section(t, i < MAX_ROOM_SITES ? title : NULL);
        add_rows(r, t, room_rows, NROWS(room_rows) - 1, group);
    }
    if (sites->n) {
        add_section(t, "rooms: all sites");
        add_rows(r, t, room_rows, NROWS(room_rows), "all");
    }
    add_section(t, NULL);
}

/* Whether t has a line of the years.csv measure `name` for `group`. */
static int has_line(const ytable *t, const char *name, const char *group)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->lines[i].w.name, name) == 0 && strcmp(t->lines[i].group, group) == 0)
            return 1;
    return 0;
}

/* Lines of staff_rows (not printed as a section): for the service (those
 * it has no line of yet), each grade, and each team and grade, these last
 * from t->staff_from in the layout's order (team-major). */
static void add_staff_lines(const iapt_results *r, ytable *t)
{
    const conf_list *gr = &r->m->sc->workforce.grades, *tm = &r->m->sc->workforce.teams;
    char group[160];
    add_section(t, NULL);
    for (size_t i = 0; i < NROWS(staff_rows); i++)
        if (!has_line(t, staff_rows[i].name, "all"))
            add_line(r, t, &staff_rows[i], staff_rows[i].label, "all");
    for (size_t g = 0; g < gr->n; g++) {
        snprintf(group, sizeof group, "grade:%s", IAPT_ITEM(*gr, iapt_grade_cfg, g)->name);
        add_rows(r, t, staff_rows, NROWS(staff_rows), group);
    }
    t->staff_from = t->n;
    for (size_t k = 0; k < tm->n; k++)
        for (size_t g = 0; g < gr->n; g++) {
            snprintf(group, sizeof group, "team:%s/grade:%s", IAPT_ITEM(*tm, iapt_team_cfg, k)->name,
                     IAPT_ITEM(*gr, iapt_grade_cfg, g)->name);
            add_rows(r, t, staff_rows, NROWS(staff_rows), group);
        }
    t->staff_to = t->n;
}

static int ytable_build(const iapt_results *r, ytable *t)
{
    size_t npw = r->m->sc->pathways.n > 1 ? r->m->sc->pathways.n : 0, nsites = r->m->sc->sites.n;
    size_t ng = r->m->sc->workforce.grades.n, ngroups = 1 + ng + r->m->sc->workforce.teams.n * ng;
    memset(t, 0, sizeof *t);
    t->label_width = LABEL_WIDTH;
    t->ny = financial_years(r, t->y, 64);
    t->lines = calloc(NROWS(year_rows) + 1 + (size_t)r->m->layout.nsources + npw * NROWS(pathway_rows) +
                          NROWS(csv_rows) + (ng + 1) * NROWS(util_rows) + NROWS(workforce_rows) +
                          ngroups * NROWS(staff_rows) + nsites * NROWS(room_rows) + NROWS(room_rows),
                      sizeof *t->lines);
    if (!t->lines)
        return -1;
    add_section(t, "financial year");
    add_rows(r, t, year_rows, 1, "all"); /* referrals, then any lost to long waits */
    add_lost_lines(r, t);
    add_rows(r, t, year_rows + 1, NROWS(year_rows) - 1, "all");
    add_pathway_lines(r, t);
    add_csv_lines(r, t);
    add_section(t, "workforce flows");
    add_rows(r, t, workforce_rows, NROWS(workforce_rows), "all");
    add_staff_lines(r, t);
    add_room_lines(r, t);
    if (ytable_summarise(r, t)) {
        ytable_free(t);
        return -1;
    }
    return 0;
}

/* The yearly tables of r (owned by the caller: years_destroy), or NULL on
 * OOM. */
static struct iapt_years *years_create(const iapt_results *r)
{
    ytable *t = malloc(sizeof *t);
    if (t && ytable_build(r, t)) {
        free(t);
        return NULL;
    }
    return t;
}

/* Prints section x, five years to a block, and the note on cells from
 * fewer than all replications if there are any. */
static void print_years(const iapt_results *r, const ytable *t, const ysection *x, FILE *out)
{
    size_t from = x->from, to = x->to;
    const char *title = x->title;
    int partial = 0;
    for (int first = 0; first < t->ny; first += 5) {
        int n = t->ny - first < 5 ? t->ny - first : 5;
        fputc('\n', out);
        put_left(out, title, t->label_width);
        for (int k = 0; k < n; k++) {
            char head[32];
            const year *y = &t->y[first + k];
            snprintf(head, sizeof head, "%s%s", y->label, y->last - y->first + 1 < 12 ? " (part)" : "");
            fprintf(out, " %16s  ", head);
        }
        fputc('\n', out);
        for (size_t i = from; i < to; i++) {
            const yline *l = &t->lines[i];
            double shown = l->w.how == SUM && l->w.scale != 0 ? l->w.scale : 1;
            put_left(out, l->label, t->label_width);
            for (int k = first; k < first + n; k++) {
                sim_ci c = l->ci[k];
                c.mean *= shown, c.half *= shown, c.lo *= shown, c.hi *= shown;
                double target = row_target(r, &l->w, &t->y[k]);
                partial |= cell(out, r, &c, 16, l->w.dec);
                fprintf(out, " %s", isnan(target) ? " " : mark(&c, target));
            }
            fputc('\n', out);
        }
    }
    if (partial)
        fputs(partial_note, out);
}

static void yearly_tables(const iapt_results *r, FILE *out)
{
    const ytable *t = r->years;
    for (int i = 0; i < t->nsec; i++) {
        print_years(r, t, &t->sec[i], out);
        if (i == 0) {
            fprintf(out,
                    "  access target %.0f%% a year (pro rata for part years; annualised: the year's rate, against\n"
                    "  the whole target); standards as above\n"
                    "  drop-outs between first and second session: of the referral (the national measure), or of\n"
                    "  a step 3 course after step 2\n",
                    100 * r->m->sc->service.access_target);
            fputs("  staff cost: salaries and on-costs of staff in post, trainees included (no overheads or rooms);\n"
                  "  per finished course (discharged after 2 or more treatment sessions) and per person entering\n"
                  "  treatment (first treatment session): the domain brief's GBP 650-690 'per course of treatment'\n"
                  "  can be either\n",
                  out);
        }
    }
    if (r->m->sc->sites.n)
        fprintf(out, "  cost: available hours or hours booked, as each site charges%s\n",
                r->m->sc->sites.n > MAX_ROOM_SITES ? "; sites after the eighth are in results.csv and years.csv" : "");
}

int iapt_report_years_csv(const iapt_results *r, FILE *out)
{
    const ytable *t = r->years;
    fputs("year,months,measure,group,mean,ci_low,ci_high,n\n", out);
    for (int k = 0; k < t->ny; k++)
        for (size_t i = 0; i < t->n; i++) {
            const yline *l = &t->lines[i];
            fprintf(out, "%s,%d", t->y[k].label, t->y[k].last - t->y[k].first + 1);
            iapt_report_csv_text(out, l->w.name);
            iapt_report_csv_text(out, l->group);
            csv_ci(out, &l->ci[k]);
        }
    return ferror(out) ? -1 : 0;
}

/* Whether team and grade k (lines from `first`, staff_rows order) had
 * posts, staff or trainees at the end of year y, or anyone in post at a
 * month end in it. */
static int staff_shown_in(const ytable *t, size_t first, int y)
{
    for (int i = 0; i <= 6; i++) {
        const sim_ci *c = &t->lines[first + (size_t)i].ci[y];
        if (i == 1 || i == 5)
            continue; /* headcount follows WTE; clinical hours: caseload per WTE says whether anyone was in post */
        if (c->n > 0 && !isnan(c->mean) && (i == 6 || c->mean != 0))
            return 1;
    }
    return 0;
}

/* The title of the workforce table of year y. */
static void staff_title(const ytable *t, int y, char *buf, size_t n)
{
    const year *yy = &t->y[y];
    snprintf(buf, n, "workforce by team and grade, %s%s", yy->label, yy->last - yy->first + 1 < 12 ? " (part)" : "");
}

/* The head of the workforce table of year y: its label column `width`
 * wide. */
static void staff_head(FILE *out, const ytable *t, int y, int width)
{
    static const char *const heads[2][NROWS(staff_shown)] = {
        {"funded", "qualified", "trainee", "vacancies", "clinical h", "caseload", "training", "supervising"},
        {"WTE", "WTE", "WTE", "WTE", "/wk per WTE", "per WTE", "time %", "time %"}};
    char title[96];
    staff_title(t, y, title, sizeof title);
    fputc('\n', out);
    for (int line = 0; line < 2; line++) {
        put_left(out, line ? "" : title, width + 2);
        for (size_t k = 0; k < NROWS(staff_shown); k++) {
            fputc(' ', out);
            put_right(out, heads[line][k], HEAD_WIDTH);
        }
        fputc('\n', out);
    }
}

/* The workforce by team and grade, one table per financial year: stocks at
 * the year's end, clinical hours and caseload per WTE (means of its
 * months), and the shares of clinic time spent training and supervising;
 * a team and grade is shown in a year it had posts, staff or trainees.
 * Reads the yearly lines (add_staff_lines), as years.csv does. */
static void workforce_table(const iapt_results *r, FILE *out)
{
    const ytable *t = r->years;
    size_t ntg = (t->staff_to - t->staff_from) / NROWS(staff_rows);
    int width = 34, rows = 0, partial = 0;
    char title[96];
    for (size_t k = 0; k < ntg; k++)
        if (text_width(t->lines[t->staff_from + k * NROWS(staff_rows)].group) > width)
            width = text_width(t->lines[t->staff_from + k * NROWS(staff_rows)].group);
    for (int y = 0; y < t->ny; y++) {
        staff_title(t, y, title, sizeof title);
        if (text_width(title) - 2 > width)
            width = text_width(title) - 2;
    }
    for (int y = 0; y < t->ny; y++) {
        int shown = 0;
        for (size_t k = 0; k < ntg; k++) {
            size_t first = t->staff_from + k * NROWS(staff_rows);
            if (!staff_shown_in(t, first, y))
                continue;
            if (shown++ == 0)
                staff_head(out, t, y, width);
            fputs("  ", out);
            put_left(out, t->lines[first].group, width);
            for (size_t i = 0; i < NROWS(staff_shown); i++)
                partial |= cell(out, r, &t->lines[first + (size_t)staff_shown[i]].ci[y], HEAD_WIDTH, 1);
            fputc('\n', out);
        }
        rows += shown;
    }
    if (rows) {
        fputs("  WTE at the year's end; clinical hours a week and caseload per WTE: means over the year;\n"
              "  training (university, top-up courses) and supervising trainees: % of contracted clinic time;\n"
              "  by team and grade, with supervision hours, in years.csv\n",
              out);
        if (partial)
            fputs(partial_note, out);
    } else {
        fputs("\nworkforce by team and grade: no funded posts, staff or trainees\n", out);
    }
}

void iapt_report_table(const iapt_results *r, const char *scenario_path, FILE *out)
{
    const iapt_scenario *sc = r->m->sc;
    char a[11], b[11];
    sim_date_format(sc->run.start, a);
    sim_date_format(sc->run.end, b);
    fprintf(out, "iaptsim %s: %s (%s)\n", IAPTSIM_VERSION, sc->name, scenario_path);
    fprintf(out, "service: %s; run %s to %s; %zu replications, seed %ld; values are means ±%.0f%% CI half-widths\n",
            sc->service.name, a, b, r->nrep, sc->run.seed, 100 * r->level);
    if (r->target_met >= 0)
        fprintf(out, "replications chosen automatically: monthly entered treatment and waiting list %s ±%.3g%% of "
                     "their means (%s)\n",
                r->target_met ? "reached" : "did NOT reach", 100 * sc->run.target_half_width,
                r->target_met ? "target met" : "stopped at max_replications");
    fputs("intervals are cut at a measure's range (0, or 100%) and then show their open side only: \"100.0 -0.1\" is "
          "99.9 to 100, \"5 +7\" 0 to 12\n\n",
          out);
    monthly_table(r, out);
    flow_table(r, out);
    lost_referrals_table(r, out);
    pathway_waits_table(r, out);
    pathway_standards_table(r, out);
    load_table(r, out);
    yearly_tables(r, out);
    workforce_table(r, out);
}
