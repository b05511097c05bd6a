/*
 * tests/test_calendar.c: dates to day numbers and back, weekdays, months.
 */
#include <criterion/criterion.h>

#include "sim/calendar.h"

Test(calendar, epoch_and_known_dates)
{
    cr_assert_eq(sim_date_from_ymd(1970, 1, 1), 0);
    cr_assert_eq(sim_date_from_ymd(2000, 3, 1), 11017);
    cr_assert_eq(sim_date_from_ymd(2026, 4, 1), 20544);
    cr_assert_eq(sim_date_weekday(sim_date_from_ymd(2026, 11, 22)), 6, "2026-11-22 is a Sunday");
    cr_assert_eq(sim_date_weekday(sim_date_from_ymd(2026, 4, 1)), 2, "2026-04-01 is a Wednesday");
    cr_assert_eq(sim_date_weekday(sim_date_from_ymd(1969, 12, 29)), 0, "1969-12-29 is a Monday");
}

Test(calendar, round_trip_every_day_for_400_years)
{
    sim_date d0 = sim_date_from_ymd(1900, 1, 1), d1 = sim_date_from_ymd(2300, 1, 1);
    int py = 1899, pm = 12, pd = 31;
    for (sim_date d = d0; d < d1; d++) {
        int y, m, dd;
        sim_date_to_ymd(d, &y, &m, &dd);
        cr_assert(sim_date_valid(y, m, dd));
        cr_assert_eq(sim_date_from_ymd(y, m, dd), d);
        /* consecutive: either next day in month, or first of next month */
        int next_ok = (y == py && m == pm && dd == pd + 1) || (dd == 1 && ((y == py && m == pm + 1) ||
                                                                          (y == py + 1 && m == 1 && pm == 12)));
        cr_assert(next_ok, "%d-%d-%d does not follow %d-%d-%d", y, m, dd, py, pm, pd);
        py = y, pm = m, pd = dd;
    }
}

Test(calendar, parse_and_format)
{
    sim_date d;
    cr_assert_eq(sim_date_parse("2024-02-29", &d), 0);
    char buf[11];
    sim_date_format(d, buf);
    cr_assert_str_eq(buf, "2024-02-29");
    cr_assert_eq(sim_date_parse("2023-02-29", &d), -1, "not a leap year");
    cr_assert_eq(sim_date_parse("2026-13-01", &d), -1);
    cr_assert_eq(sim_date_parse("2026-4-1", &d), -1);
    cr_assert_eq(sim_date_parse("2026-04-01x", &d), -1);
    cr_assert_eq(sim_date_parse("", &d), -1);
    cr_assert_eq(sim_date_parse("1900-02-29", &d), -1);
    cr_assert_eq(sim_date_parse("2000-02-29", &d), 0);
}

Test(calendar, months)
{
    sim_date jan31 = sim_date_from_ymd(2027, 1, 31);
    cr_assert_eq(sim_date_add_months(jan31, 1), sim_date_from_ymd(2027, 2, 28));
    cr_assert_eq(sim_date_add_months(jan31, -2), sim_date_from_ymd(2026, 11, 30));
    cr_assert_eq(sim_date_add_months(jan31, 13), sim_date_from_ymd(2028, 2, 29));
    cr_assert_eq(sim_date_months_between(sim_date_from_ymd(2026, 4, 15), sim_date_from_ymd(2027, 3, 1)), 11);
    sim_calendar cal = {sim_date_from_ymd(2026, 4, 15)};
    cr_assert_eq(sim_cal_month(&cal, 0), 0);
    cr_assert_eq(sim_cal_month(&cal, 15.9), 0, "2026-04-30 is still month 0");
    cr_assert_eq(sim_cal_month(&cal, 16), 1, "2026-05-01 starts month 1");
    cr_assert_eq(sim_cal_month_time(&cal, 1), 16);
    cr_assert_eq(sim_cal_month_time(&cal, 0), -14);
    cr_assert_eq(sim_cal_weekday(&cal, 0.5), 2, "2026-04-15 is a Wednesday");
}
