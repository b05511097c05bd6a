/*
 * app/report.h: turning replications into what planners read.
 *
 * Every series of every month is summarised across replications as a mean
 * and a Student-t confidence interval (sim/replicate.h). Yearly figures
 * (financial years, April to March) are computed inside each replication
 * first (sums of counts, shares weighted by their monthly denominators) and
 * only then summarised, so their intervals are honest too.
 */
#ifndef APP_REPORT_H
#define APP_REPORT_H

#include <stdio.h>

#include "models/model.h"
#include "sim/replicate.h"

struct iapt_years; /* the financial-year tables (app/report.c) */

typedef struct iapt_results {
    const iapt_model *m;
    size_t nrep;
    double *x;       /* nrep x nout values (owned) */
    sim_ci *ci;      /* per output: series * nmonths + month (owned) */
    struct iapt_years *years; /* the financial-year tables, built once (owned) */
    double level;
    int target_met;  /* automatic replication count: target met (or -1 if not used) */
} iapt_results;

/* Computes ci[] from x (intervals cut at each measure's range), and the financial-year tables (each year's value
 * inside each replication, then across them) that the summary and
 * years.csv print. 0, or -1 on OOM (iapt_results_free frees what was
 * made). */
int iapt_results_summarise(iapt_results *r);
void iapt_results_free(iapt_results *r);

/* The natural range [*lo, *hi] of a measure's values: 0 up (counts,
 * days, hours, WTE, GBP), and for a share of a whole in % 0 to 100
 * (utilisation and access, which can pass 100%, have no top). Confidence
 * intervals are cut at it (the mean is unchanged). */
void iapt_measure_range(int measure, double *lo, double *hi);

/* The summary of (measure, group) in month m, or NULL if no such series. */
const sim_ci *iapt_results_get(const iapt_results *r, int measure, const char *group, int month);

/* Writes ",text" as one CSV field (RFC 4180: quoted, quotes doubled, when
 * it holds a comma, a quote or a line break). Write errors show in
 * ferror(out). */
void iapt_report_csv_text(FILE *out, const char *text);

/* Writes the tidy CSV: month,measure,group,mean,ci_low,ci_high (NA where a
 * value is undefined; text fields quoted as iapt_report_csv_text does).
 * Returns 0, or -1 on a write error. */
int iapt_report_csv(const iapt_results *r, FILE *out);

/* Writes the financial-year table (the summary's, with every pathway's
 * rows when there are several, and the workforce flows) as tidy CSV:
 * year,months,measure,group,mean,ci_low,ci_high, computed inside each
 * replication before summarising (NA where undefined). Returns 0, or -1 on
 * a write error. */
int iapt_report_years_csv(const iapt_results *r, FILE *out);

/* Prints the monthly table against the national standards, the yearly
 * summary and the workforce summary. */
void iapt_report_table(const iapt_results *r, const char *scenario_path, FILE *out);

#endif
