/*
 * sim/calendar.h: civil dates, and the mapping between the simulation clock
 * and the calendar.
 *
 * A sim_date is a day number: days since 1970-01-01 in the proleptic Gregorian
 * calendar, so date arithmetic is integer arithmetic. Simulation time is a
 * double counting days since the calendar's start date (time 0 is midnight at
 * the start of that date). Months for reporting are calendar months counted
 * from the start date's month (index 0). Every function here is O(1) and pure.
 */
#ifndef SIM_CALENDAR_H
#define SIM_CALENDAR_H

#include <stdint.h>

typedef int32_t sim_date;

/* Length of an average month and year in days, used wherever a planner writes
 * "per month" or "per year" (365.25 / 12 and 365.25). */
#define SIM_DAYS_PER_MONTH 30.4375
#define SIM_DAYS_PER_YEAR 365.25

/* 1 if y-m-d names a real date (m 1..12, d within the month), else 0. */
int sim_date_valid(int y, int m, int d);
/* Day number of y-m-d. The caller must pass a valid date (sim_date_valid). */
sim_date sim_date_from_ymd(int y, int m, int d);
/* Splits a day number into year, month (1..12) and day (1..31). */
void sim_date_to_ymd(sim_date date, int *y, int *m, int *d);
/* Parses exactly "YYYY-MM-DD" (nothing before or after). Returns 0 and sets
 * *out, or -1 if the text is not a valid date. */
int sim_date_parse(const char *text, sim_date *out);
/* Writes "YYYY-MM-DD" and a terminating NUL into buf (at least 11 bytes). */
void sim_date_format(sim_date date, char buf[11]);
/* ISO weekday: 0 = Monday ... 6 = Sunday. */
int sim_date_weekday(sim_date date);
/* The date n calendar months later (n may be negative), with the day clamped
 * to the length of the target month (31 Jan + 1 month = 28/29 Feb). */
sim_date sim_date_add_months(sim_date date, int n);
/* The first day of date's month. */
sim_date sim_date_month_start(sim_date date);
/* Months between the months of a and b: (year_b*12+month_b)-(year_a*12+month_a). */
int sim_date_months_between(sim_date a, sim_date b);

typedef struct sim_calendar {
    sim_date start; /* the date at simulation time 0 */
} sim_calendar;

/* Simulation time (days) at midnight starting `date`. */
double sim_cal_time(const sim_calendar *cal, sim_date date);
/* The date containing simulation time t (floor). */
sim_date sim_cal_date(const sim_calendar *cal, double t);
/* Reporting month containing time t: 0 for the start date's month. */
int sim_cal_month(const sim_calendar *cal, double t);
/* Simulation time at midnight on the first day of reporting month m (for
 * m = 0 this is the start of the start date's month, which may be < 0). */
double sim_cal_month_time(const sim_calendar *cal, int m);
/* Weekday (0 = Monday) of the date containing time t. */
int sim_cal_weekday(const sim_calendar *cal, double t);

#endif
