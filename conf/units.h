/*
 * conf/units.h: quantities as planners write them, "6 weeks", "45 min",
 * "0.8 wte", "1200 per month", "12%", "£650", "22 hours per week", and their
 * conversion to the canonical unit a field stores.
 *
 * Grammar (case-insensitive words, spaces optional around '/'):
 *   quantity := [£] number [unit] [per-time]
 *   number   := decimal, optionally with thousands commas ("1,200"); no hex,
 *               inf or nan
 *   unit     := % | min | minute(s) | h | hour(s) | day(s) | week(s)
 *             | month(s) | year(s) | wte | gbp
 *   per-time := ("per" | "/") (hour | day | week | month | year)
 * A month is 30.4375 days and a year 365.25 days (SIM_DAYS_PER_MONTH/YEAR);
 * a week is 7 days. Each conf_unit below states what it stores, what it
 * accepts, and how it prints; printing then parsing gives back the same
 * double (shortest round-trip formatting), except that negative zero prints
 * and reads as 0.
 */
#ifndef CONF_UNITS_H
#define CONF_UNITS_H

#include <stddef.h>

typedef enum conf_unit {
    CONF_U_NONE,            /* plain number; no unit accepted */
    CONF_U_FRACTION,        /* stores 0..1; accepts "12%" (a plain number is refused: is 1 100% or 1%?);
                               prints "12%" */
    CONF_U_DAYS,            /* stores days; accepts any duration unit; a unit is required; prints "N days" */
    CONF_U_WEEKS,           /* stores days; accepts any duration unit; prints "N weeks" when whole, else days */
    CONF_U_MINUTES,         /* stores minutes; accepts any duration unit; prints "N min" */
    CONF_U_PER_MONTH,       /* stores count per month; accepts "N per day|week|month|year"; prints "N per month" */
    CONF_U_FRACTION_PER_YEAR, /* stores fraction per year (growth); accepts "3% per year" (% required);
                                 prints "3% per year" */
    CONF_U_HOURS_PER_WEEK,  /* stores hours per week; accepts "22 hours per week" (any duration per week); prints "N hours per week" */
    CONF_U_WTE,             /* stores WTE; accepts "0.8 wte" or 0.8; prints "0.8 wte" */
    CONF_U_GBP,             /* stores pounds; accepts "£650", "650 gbp" or 650; prints "£650" */
    CONF_U_GBP_PER_YEAR,    /* stores pounds per year; accepts "£35,000 per year", "£2,900 per month" (x 12),
                               "£700 per week" (x 365.25 / 7), not per day (working or calendar days?) or per
                               hour; prints "£N per year" */
    CONF_U_GBP_PER_HOUR,    /* stores pounds per hour; accepts "£25 per hour" or "25 gbp / h" (per hour only); prints
                               "£N per hour" */
    CONF_U_NUNITS
} conf_unit;

/* Parses text as a quantity in unit u. Returns 0 and sets *out (canonical
 * value; never negative zero), or -1 and writes a message into err (what
 * was expected, e.g. "expected a duration such as 6 weeks or 45 min"), or
 * -2 when the number as written is too large for a double (1e309; the
 * message says so). */
int conf_unit_parse(conf_unit u, const char *text, double *out, char *err, size_t errlen);

/* Formats a canonical value for printing, so that conf_unit_parse(u, buf)
 * gives back exactly v. Returns buf. */
char *conf_unit_format(conf_unit u, double v, char *buf, size_t len);

/* Short description of what a unit accepts, for docs and messages
 * ("a duration, e.g. 6 weeks or 45 min"). */
const char *conf_unit_describe(conf_unit u);

/* Shortest decimal text of v that strtod reads back as exactly v. */
char *conf_format_double(double v, char *buf, size_t len);

#endif
