/*
 * tests/test_conf_units.c: quantities with units (conf/units.h): accepted
 * forms, conversions, rejections with their messages, and exact
 * format/parse round trips.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "conf/units.h"

static double parse_ok(conf_unit u, const char *text)
{
    double v = NAN;
    char err[256] = "";
    int r = conf_unit_parse(u, text, &v, err, sizeof err);
    cr_assert_eq(r, 0, "unit %d, \"%s\": %s", (int)u, text, err);
    return v;
}

static void parse_err(conf_unit u, const char *text, const char *msg)
{
    double v = 12345;
    char err[256] = "";
    cr_assert_lt(conf_unit_parse(u, text, &v, err, sizeof err), 0, "unit %d accepted \"%s\"", (int)u, text);
    cr_assert_eq(v, 12345, "the output must not change on error");
    if (msg)
        cr_assert_str_eq(err, msg);
}

Test(units, plain_numbers)
{
    cr_assert_eq(parse_ok(CONF_U_NONE, "1.5"), 1.5);
    cr_assert_eq(parse_ok(CONF_U_NONE, "-3"), -3);
    cr_assert_eq(parse_ok(CONF_U_NONE, "+3"), 3);
    cr_assert_eq(parse_ok(CONF_U_NONE, ".5"), 0.5);
    cr_assert_eq(parse_ok(CONF_U_NONE, "1,200"), 1200);
    cr_assert_eq(parse_ok(CONF_U_NONE, "35,000"), 35000);
    cr_assert_eq(parse_ok(CONF_U_NONE, "1,234,567.25"), 1234567.25);
    cr_assert_eq(parse_ok(CONF_U_NONE, "1e3"), 1000);
    cr_assert_eq(parse_ok(CONF_U_NONE, "2.5E-1"), 0.25);
    cr_assert_eq(parse_ok(CONF_U_NONE, " 7 "), 7);
}

Test(units, rejected_numbers)
{
    const char *bad[] = {"", " ", "0x10", "inf", "-inf", "nan", "NaN", "1,2", "12,34", "1234,567", ",123",
                         "1,,000", "1.2.3", "5.", "1e", "1e+", "abc", "1 2", "12 apples", "1e999", "--1",
                         "£5", "5 %%", "1,200.5,5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_err(CONF_U_NONE, bad[i], NULL);
    parse_err(CONF_U_NONE, "0x10", "expected a number, got \"0x10\"");
    parse_err(CONF_U_NONE, "", "expected a number, got \"\"");
    parse_err(CONF_U_NONE, "a\nb\"", "expected a number, got \"a\\nb\\\"\"");
}

Test(units, too_large_and_negative_zero)
{
    /* A number too large for a double says so (-2), whatever the unit. */
    double v;
    char err[256];
    cr_assert_eq(conf_unit_parse(CONF_U_NONE, "1e309", &v, err, sizeof err), -2);
    cr_assert_str_eq(err, "expected a number, got \"1e309\" (the number is too large)");
    cr_assert_eq(conf_unit_parse(CONF_U_DAYS, "1e400 days", &v, err, sizeof err), -2);
    cr_assert_eq(conf_unit_parse(CONF_U_FRACTION, "1e309%", &v, err, sizeof err), 0, "1e307 as a share");
    /* Negative zero reads and prints as 0. */
    cr_assert_eq(conf_unit_parse(CONF_U_FRACTION, "-0%", &v, err, sizeof err), 0);
    cr_assert(v == 0 && !signbit(v));
    cr_assert_eq(conf_unit_parse(CONF_U_DAYS, "-0 days", &v, err, sizeof err), 0);
    cr_assert(!signbit(v));
    char b[64];
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION, -0.0, b, sizeof b), "0%");
    cr_assert_str_eq(conf_unit_format(CONF_U_WTE, -0.0, b, sizeof b), "0 wte");
    cr_assert_str_eq(conf_format_double(-0.0, b, sizeof b), "0");
}

Test(units, fractions)
{
    cr_assert_eq(parse_ok(CONF_U_FRACTION, "12%"), 0.12);
    cr_assert_eq(parse_ok(CONF_U_FRACTION, "12 %"), 0.12);
    cr_assert_eq(parse_ok(CONF_U_FRACTION, "100%"), 1);
    cr_assert_eq(parse_ok(CONF_U_FRACTION, "12.5%"), 0.125);
    cr_assert_eq(parse_ok(CONF_U_FRACTION, "120%"), 1.2);
    /* A plain number is refused: is 1 100% or 1%? */
    parse_err(CONF_U_FRACTION, "1", "expected a share such as 12%, got \"1\" (the % sign is required: did you mean 100% "
                                    "or 1%?)");
    parse_err(CONF_U_FRACTION, "0.12", "expected a share such as 12%, got \"0.12\" (the % sign is required: did you mean "
                                       "12%?)");
    parse_err(CONF_U_FRACTION, "0", "expected a share such as 12%, got \"0\" (the % sign is required: did you mean 0%?)");
    parse_err(CONF_U_FRACTION, "12", "expected a share such as 12%, got \"12\" (the % sign is required: did you mean 12%?)");
    parse_err(CONF_U_FRACTION, "1,500", "expected a share such as 12%, got \"1,500\" (the % sign is required: did you "
                                        "mean 1500%?)");
    parse_err(CONF_U_FRACTION, "12 wte", "expected a share such as 12%, got \"12 wte\"");
    parse_err(CONF_U_FRACTION, "12% per year", NULL);
}

Test(units, durations)
{
    cr_assert_eq(parse_ok(CONF_U_DAYS, "6 weeks"), 42);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "6weeks"), 42);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "1 Week"), 7);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "3 days"), 3);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "1 day"), 1);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "36 hours"), 1.5);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "2 months"), 2 * 30.4375);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "1 year"), 365.25);
    cr_assert_eq(parse_ok(CONF_U_DAYS, "90 min"), 90.0 / 1440);
    cr_assert_eq(parse_ok(CONF_U_MINUTES, "45 min"), 45);
    cr_assert_eq(parse_ok(CONF_U_MINUTES, "45 minutes"), 45);
    cr_assert_eq(parse_ok(CONF_U_MINUTES, "1 minute"), 1);
    cr_assert_eq(parse_ok(CONF_U_MINUTES, "1.5 hours"), 90);
    cr_assert_eq(parse_ok(CONF_U_MINUTES, "2 h"), 120);
    cr_assert_eq(parse_ok(CONF_U_MINUTES, "1 day"), 1440);
    cr_assert_eq(parse_ok(CONF_U_WEEKS, "6 weeks"), 42);
    cr_assert_eq(parse_ok(CONF_U_WEEKS, "10 days"), 10);
    parse_err(CONF_U_DAYS, "6", "expected a duration such as 6 weeks or 45 min, got \"6\"");
    parse_err(CONF_U_MINUTES, "45 mins per week", NULL);
    parse_err(CONF_U_MINUTES, "45 wte", "expected a duration such as 6 weeks or 45 min, got \"45 wte\"");
    parse_err(CONF_U_WEEKS, "6 fortnights", NULL);
    parse_err(CONF_U_DAYS, "6 weeks later", NULL);
}

Test(units, rates)
{
    cr_assert_eq(parse_ok(CONF_U_PER_MONTH, "1200 per month"), 1200);
    cr_assert_eq(parse_ok(CONF_U_PER_MONTH, "1,200 per month"), 1200);
    cr_assert_eq(parse_ok(CONF_U_PER_MONTH, "1200/month"), 1200);
    cr_assert_eq(parse_ok(CONF_U_PER_MONTH, "1200 / Months"), 1200);
    cr_assert_eq(parse_ok(CONF_U_PER_MONTH, "300 per week"), 300 * 30.4375 / 7);
    cr_assert_eq(parse_ok(CONF_U_PER_MONTH, "40 per day"), 40 * 30.4375);
    cr_assert_eq(parse_ok(CONF_U_PER_MONTH, "14,400 per year"), 14400 * 30.4375 / 365.25);
    parse_err(CONF_U_PER_MONTH, "1200",
              "expected a rate such as 1200 per month or 300 per week, got \"1200\"");
    parse_err(CONF_U_PER_MONTH, "1200 per", NULL);
    parse_err(CONF_U_PER_MONTH, "1200 per fortnight", NULL);
    parse_err(CONF_U_PER_MONTH, "1200 per hour", NULL);
    parse_err(CONF_U_PER_MONTH, "1200 days per month", NULL);

    cr_assert_eq(parse_ok(CONF_U_FRACTION_PER_YEAR, "3% per year"), 0.03);
    cr_assert_eq(parse_ok(CONF_U_FRACTION_PER_YEAR, "-2%/year"), -0.02);
    parse_err(CONF_U_FRACTION_PER_YEAR, "0.03 per year", "expected a yearly rate such as 3% per year, got \"0.03 per "
                                                         "year\" (the % sign is required: did you mean 3% per year?)");
    parse_err(CONF_U_FRACTION_PER_YEAR, "3%", "expected a yearly rate such as 3% per year, got \"3%\"");
    parse_err(CONF_U_FRACTION_PER_YEAR, "3% per month", NULL);
    parse_err(CONF_U_FRACTION_PER_YEAR, "3 per year",
              "expected a yearly rate such as 3% per year, got \"3 per year\" (the % sign is required: did you mean "
              "3% per year?)");

    cr_assert_eq(parse_ok(CONF_U_HOURS_PER_WEEK, "22 hours per week"), 22);
    cr_assert_eq(parse_ok(CONF_U_HOURS_PER_WEEK, "37.5 h/week"), 37.5);
    cr_assert_eq(parse_ok(CONF_U_HOURS_PER_WEEK, "1320 min per week"), 22);
    cr_assert_eq(parse_ok(CONF_U_HOURS_PER_WEEK, "1 day per week"), 24);
    parse_err(CONF_U_HOURS_PER_WEEK, "22",
              "expected hours per week such as 22 hours per week, got \"22\"");
    parse_err(CONF_U_HOURS_PER_WEEK, "22 hours per day", NULL);
}

Test(units, wte_and_money)
{
    cr_assert_eq(parse_ok(CONF_U_WTE, "0.8 wte"), 0.8);
    cr_assert_eq(parse_ok(CONF_U_WTE, "0.8"), 0.8);
    cr_assert_eq(parse_ok(CONF_U_WTE, "2 WTE"), 2);
    parse_err(CONF_U_WTE, "full", "expected whole-time equivalents such as 0.8 wte or 0.8, got \"full\"");
    parse_err(CONF_U_WTE, "0.8 days", NULL);

    cr_assert_eq(parse_ok(CONF_U_GBP, "£650"), 650);
    cr_assert_eq(parse_ok(CONF_U_GBP, "650 gbp"), 650);
    cr_assert_eq(parse_ok(CONF_U_GBP, "650"), 650);
    cr_assert_eq(parse_ok(CONF_U_GBP, "£1,650.50"), 1650.5);
    cr_assert_eq(parse_ok(CONF_U_GBP, "-£5"), -5);
    cr_assert_eq(parse_ok(CONF_U_GBP, "£-5"), -5);
    parse_err(CONF_U_GBP, "£650 gbp", NULL);
    parse_err(CONF_U_GBP, "£650 per year", "expected an amount in pounds such as £650, got \"£650 per year\"");
    parse_err(CONF_U_GBP, "$650", NULL);

    cr_assert_eq(parse_ok(CONF_U_GBP_PER_YEAR, "£35,000 per year"), 35000);
    cr_assert_eq(parse_ok(CONF_U_GBP_PER_YEAR, "35000 gbp per year"), 35000);
    cr_assert_eq(parse_ok(CONF_U_GBP_PER_YEAR, "£2,900 per month"), 2900 * 365.25 / 30.4375);
    cr_assert_eq(parse_ok(CONF_U_GBP_PER_YEAR, "£700 per week"), 700 * 365.25 / 7);
    /* A day rate is refused: is it per working day (about 230 a year) or
     * per calendar day (365.25)? Read as calendar days, £100 a day was
     * £36,525 a year. */
    parse_err(CONF_U_GBP_PER_YEAR, "£100 per day",
              "expected an amount per year such as £35,000 per year or £2,900 per month, got \"£100 per day\" (a day "
              "rate is ambiguous, per working day or per calendar day: give the amount per year, month or week)");
    parse_err(CONF_U_GBP_PER_YEAR, "£35,000",
              "expected an amount per year such as £35,000 per year or £2,900 per month, got \"£35,000\"");
    cr_assert_eq(parse_ok(CONF_U_NONE, "5"), 5);
    parse_err(CONF_U_DAYS, "£5 days", NULL);

    cr_assert_eq(parse_ok(CONF_U_GBP_PER_HOUR, "£25 per hour"), 25);
    cr_assert_eq(parse_ok(CONF_U_GBP_PER_HOUR, "25 gbp / h"), 25);
    cr_assert_eq(parse_ok(CONF_U_GBP_PER_HOUR, "£12.50/hour"), 12.5);
    parse_err(CONF_U_GBP_PER_HOUR, "£200 per day", "expected an amount per hour such as £25 per hour, got \"£200 per day\"");
    parse_err(CONF_U_GBP_PER_HOUR, "£25", NULL);
    /* "per hour" is a rate only for amounts per hour */
    parse_err(CONF_U_GBP_PER_YEAR, "£25 per hour", NULL);
    parse_err(CONF_U_PER_MONTH, "3 per hour", NULL);
    parse_err(CONF_U_HOURS_PER_WEEK, "2 hours per hour", NULL);
}

Test(units, formatting)
{
    char b[96];
    cr_assert_str_eq(conf_unit_format(CONF_U_NONE, 1.5, b, sizeof b), "1.5");
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION, 0.12, b, sizeof b), "12%");
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION, 0.125, b, sizeof b), "12.5%");
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION, 1, b, sizeof b), "100%");
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION, 0, b, sizeof b), "0%");
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION, 0.1 + 0.2, b, sizeof b), "30.000000000000004%");
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION, 1e-9, b, sizeof b), "1e-07%");
    cr_assert_str_eq(conf_unit_format(CONF_U_DAYS, 42, b, sizeof b), "42 days");
    cr_assert_str_eq(conf_unit_format(CONF_U_DAYS, 1, b, sizeof b), "1 day");
    cr_assert_str_eq(conf_unit_format(CONF_U_WEEKS, 42, b, sizeof b), "6 weeks");
    cr_assert_str_eq(conf_unit_format(CONF_U_WEEKS, 7, b, sizeof b), "1 week");
    cr_assert_str_eq(conf_unit_format(CONF_U_WEEKS, 10, b, sizeof b), "10 days");
    cr_assert_str_eq(conf_unit_format(CONF_U_WEEKS, 3.5, b, sizeof b), "3.5 days");
    cr_assert_str_eq(conf_unit_format(CONF_U_MINUTES, 45, b, sizeof b), "45 min");
    cr_assert_str_eq(conf_unit_format(CONF_U_PER_MONTH, 1200, b, sizeof b), "1200 per month");
    cr_assert_str_eq(conf_unit_format(CONF_U_FRACTION_PER_YEAR, 0.03, b, sizeof b), "3% per year");
    cr_assert_str_eq(conf_unit_format(CONF_U_HOURS_PER_WEEK, 22, b, sizeof b), "22 hours per week");
    cr_assert_str_eq(conf_unit_format(CONF_U_WTE, 0.8, b, sizeof b), "0.8 wte");
    cr_assert_str_eq(conf_unit_format(CONF_U_GBP, 650, b, sizeof b), "£650");
    cr_assert_str_eq(conf_unit_format(CONF_U_GBP, -5, b, sizeof b), "-£5");
    cr_assert_str_eq(conf_unit_format(CONF_U_GBP_PER_YEAR, 35000, b, sizeof b), "£35000 per year");
    cr_assert_str_eq(conf_unit_format(CONF_U_GBP_PER_HOUR, 25, b, sizeof b), "£25 per hour");
    cr_assert_str_eq(conf_format_double(0.1, b, sizeof b), "0.1");
    cr_assert_str_eq(conf_format_double(0.1 + 0.2, b, sizeof b), "0.30000000000000004");
    cr_assert_str_eq(conf_format_double(1e21, b, sizeof b), "1e+21");
    cr_assert_str_eq(conf_format_double(100, b, sizeof b), "100");
}

static void roundtrip(conf_unit u, double v)
{
    char b[96], err[256];
    double back = NAN;
    conf_unit_format(u, v, b, sizeof b);
    cr_assert_eq(conf_unit_parse(u, b, &back, err, sizeof err), 0, "unit %d: %s: %s", (int)u, b, err);
    cr_assert(back == v && (signbit(back) == signbit(v) || v == 0), "unit %d: %.17g printed as %s read back as %.17g",
              (int)u, v, b, back);
}

Test(units, roundtrip_many_values)
{
    const double fixed[] = {0, -0.0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, DBL_MAX,
                            -DBL_MAX, DBL_MIN, 123456789.123, 1e15 + 0.5, 9007199254740993.0, 0.07, 0.29,
                            0.57, 1.1, 12.34, 42, 42.000000000000007, 6e-8, 0.015, 1e22, 1e-5};
    for (int u = 0; u < CONF_U_NUNITS; u++) {
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
            roundtrip((conf_unit)u, fixed[i]);
        }
    }
    /* A deterministic spread of awkward doubles. */
    unsigned long long x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        roundtrip((conf_unit)(i % CONF_U_NUNITS), v);
        roundtrip((conf_unit)(i % CONF_U_NUNITS), (double)(x % 100000) / 1000);
        roundtrip(CONF_U_FRACTION, (double)(x % 10000) / 10000);
    }
}

Test(units, describe)
{
    for (int u = 0; u < CONF_U_NUNITS; u++)
        cr_assert(strlen(conf_unit_describe((conf_unit)u)) > 5);
    cr_assert_str_eq(conf_unit_describe(CONF_U_FRACTION), "a share, e.g. 12% (the % sign is required: is 1 100% or 1%?)");
}
