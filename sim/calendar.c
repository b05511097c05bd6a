/*
 * sim/calendar.c: day-number arithmetic for civil dates.
 *
 * Conversions use Howard Hinnant's days_from_civil / civil_from_days
 * algorithms (exact for the proleptic Gregorian calendar over +-5.8 million
 * years), so there are no tables and no loops.
 */
#include "sim/calendar.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* 1 if y is a leap year of the Gregorian calendar, else 0. */
static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days in month m (1..12) of year y. */
static int days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

int sim_date_valid(int y, int m, int d)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= days_in_month(y, m);
}

sim_date sim_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sim_date_to_ymd(sim_date date, int *y, int *m, int *d)
{
    const int z = date + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n decimal digits at s into *out: 0, or -1 at a non-digit. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int sim_date_parse(const char *text, sim_date *out)
{
    int y, m, d;
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    if (digits(text, 4, &y) || digits(text + 5, 2, &m) || digits(text + 8, 2, &d))
        return -1;
    if (!sim_date_valid(y, m, d))
        return -1;
    *out = sim_date_from_ymd(y, m, d);
    return 0;
}

void sim_date_format(sim_date date, char buf[11])
{
    int y, m, d;
    sim_date_to_ymd(date, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999; /* out of the supported range: clamp, never overflow */
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(buf, tmp, 11);
}

int sim_date_weekday(sim_date date)
{
    /* 1970-01-01 was a Thursday (ISO weekday 3 counting Monday as 0). */
    int w = (date + 3) % 7;
    return w < 0 ? w + 7 : w;
}

sim_date sim_date_add_months(sim_date date, int n)
{
    int y, m, d;
    sim_date_to_ymd(date, &y, &m, &d);
    int idx = y * 12 + (m - 1) + n;
    int ny = idx >= 0 ? idx / 12 : (idx - 11) / 12;
    int nm = idx - ny * 12 + 1;
    int dim = days_in_month(ny, nm);
    return sim_date_from_ymd(ny, nm, d < dim ? d : dim);
}

sim_date sim_date_month_start(sim_date date)
{
    int y, m, d;
    sim_date_to_ymd(date, &y, &m, &d);
    return sim_date_from_ymd(y, m, 1);
}

int sim_date_months_between(sim_date a, sim_date b)
{
    int ya, ma, da, yb, mb, db;
    sim_date_to_ymd(a, &ya, &ma, &da);
    sim_date_to_ymd(b, &yb, &mb, &db);
    return (yb * 12 + mb) - (ya * 12 + ma);
}

double sim_cal_time(const sim_calendar *cal, sim_date date) { return (double)(date - cal->start); }

sim_date sim_cal_date(const sim_calendar *cal, double t) { return cal->start + (sim_date)floor(t); }

int sim_cal_month(const sim_calendar *cal, double t)
{
    return sim_date_months_between(cal->start, sim_cal_date(cal, t));
}

double sim_cal_month_time(const sim_calendar *cal, int m)
{
    sim_date first = sim_date_add_months(sim_date_month_start(cal->start), m);
    return sim_cal_time(cal, first);
}

int sim_cal_weekday(const sim_calendar *cal, double t) { return sim_date_weekday(sim_cal_date(cal, t)); }
