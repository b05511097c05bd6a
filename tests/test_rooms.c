/*
 * tests/test_rooms.c: co-location sites and their rooms (models/rooms.h),
 * on the fixtures in tests/data/rooms (each file says what it must
 * produce).
 *
 * The fixtures are noiseless where the mechanism is deterministic, so the
 * checks are exact: with one room one day a week the room's minutes set
 * the sessions held each week; a room secured from a date holds nothing
 * before it; a room withdrawn under bookings moves them without losing
 * anyone or overbooking a day; costs are the charged hours times the rate;
 * a remote course is untouched by rooms (bit for bit); face-to-face
 * assessments and groups take rooms too; how long bookings wait for a room
 * and how many people are held up. People are conserved throughout.
 */
#include <math.h>
#include <string.h>

#include "model_support.h"

#define ROOMS(f) DATA("tests/data/rooms/" f)

enum { WED = 2 }; /* sim_date_weekday: 0 = Monday */

/* Wednesdays in reporting month m of r that fall in [from, to]. */
static int wednesdays(const run_result *r, int m, sim_date from, sim_date to)
{
    sim_date a = sim_date_add_months(r->m->layout.first_month, m), b = sim_date_add_months(a, 1);
    int n = 0;
    for (sim_date d = a; d < b; d++)
        n += d >= from && d <= to && sim_date_weekday(d) == WED;
    return n;
}

/* Days of reporting month m of r whose weekday is in `mask` (bit 0 = Monday). */
static int days_in(const run_result *r, int m, unsigned mask)
{
    sim_date a = sim_date_add_months(r->m->layout.first_month, m), b = sim_date_add_months(a, 1);
    int n = 0;
    for (sim_date d = a; d < b && d <= r->sc.run.end; d++)
        n += (int)((mask >> (unsigned)sim_date_weekday(d)) & 1u);
    return n;
}

static sim_date ymd(int y, int m, int d) { return sim_date_from_ymd(y, m, d); }

static double total(const run_result *r, size_t rep, const char *measure, const char *group)
{
    double t = 0;
    for (int m = 0; m < r->m->layout.nmonths; m++)
        t += val(r, rep, measure, group, m);
    return t;
}

/* One room, 4 hours on Wednesdays, 60-minute sessions: 4 sessions each
 * Wednesday from 8 April to 30 December, no more (clinicians have time
 * every day), and every booking was delayed for want of the room. */
Test(rooms, one_room_sets_the_sessions_held_each_week)
{
    run_result r;
    run_scenario(&r, ROOMS("one_room.yaml"), 0, 1);
    check_conservation(&r);
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        double held = 4.0 * wednesdays(&r, m, ymd(2026, 4, 8), ymd(2026, 12, 30));
        double open = 4.0 * wednesdays(&r, m, ymd(2026, 4, 1), ymd(2026, 12, 31));
        cr_assert_eq(val(&r, 0, "appointments", "all", m), held, "month %d", m);
        cr_assert_eq(val(&r, 0, "appointments_face_to_face", "site:clinic", m), held, "month %d", m);
        cr_assert_eq(val(&r, 0, "appointments_face_to_face", "all", m), held, "month %d", m);
        cr_assert_eq(val(&r, 0, "appointments_remote", "all", m), 0, "month %d", m);
        cr_assert_eq(val(&r, 0, "room_hours_booked", "site:clinic", m), held, "month %d: one hour each", m);
        cr_assert_eq(val(&r, 0, "room_hours_available", "site:clinic", m), open, "month %d", m);
        cr_assert_eq(val(&r, 0, "room_utilisation", "site:clinic", m), 100 * held / open, "month %d", m);
        cr_assert_eq(val(&r, 0, "room_cost", "site:clinic", m), 25 * open, "month %d: every open hour charged", m);
        cr_assert_eq(val(&r, 0, "room_cost", "all", m), 25 * open, "month %d", m);
    }
    cr_assert_eq(total(&r, 0, "appointments", "all"), 156, "39 Wednesdays x 4");
    /* Every booking (4 per person) found the clinician free before the room. */
    cr_assert_eq(total(&r, 0, "room_delayed", "site:clinic"), 160);
    cr_assert_eq(total(&r, 0, "room_delayed", "all"), 160);
    cr_assert_eq(val(&r, 0, "in_treatment", "all", r.m->layout.nmonths - 1), 4, "4 sessions left for 6 January");
    run_free(&r);
}

/* Every series of b is the same in a, bit for bit. */
static void same_bits(const run_result *a, const run_result *b)
{
    const iapt_layout *lb = &b->m->layout;
    for (size_t s = 0; s < lb->nseries; s++) {
        const char *name = iapt_measure_catalogue[lb->series[s].measure].name;
        for (int m = 0; m < lb->nmonths; m++) {
            double x = val(a, 0, name, lb->series[s].group, m), y = val(b, 0, name, lb->series[s].group, m);
            cr_assert(memcmp(&x, &y, sizeof x) == 0, "%s/%s month %d: %.17g and %.17g", name, lb->series[s].group, m,
                      x, y);
        }
    }
}

/* Remote courses need no room: everything the no-site twin reports is the
 * same bit for bit, and the sessions are not held back. */
Test(rooms, remote_courses_are_unaffected)
{
    run_result a, b;
    run_scenario(&a, ROOMS("remote.yaml"), 0, 1);
    run_scenario(&b, ROOMS("no_sites.yaml"), 0, 1);
    cr_assert_eq(iapt_series_find(&b.m->layout, "room_hours_booked", "all"), -1, "no room series without sites");
    same_bits(&a, &b);
    cr_assert_eq(total(&a, 0, "appointments", "all"), 160);
    cr_assert_eq(total(&a, 0, "appointments_remote", "all"), 160);
    cr_assert_eq(total(&a, 0, "appointments_face_to_face", "all"), 0);
    cr_assert_eq(total(&a, 0, "room_hours_booked", "all"), 0);
    cr_assert_eq(total(&a, 0, "room_delayed", "all"), 0);
    run_free(&a);
    run_free(&b);
}

/* A modality's kind sets where its courses are held unless it says: a
 * one-to-one course is face to face (by_kind.yaml runs as one_room.yaml,
 * which says 100%), a digital one remote (digital.yaml runs as remote.yaml,
 * which says 0%): its 160 sessions need no room. */
Test(rooms, digital_courses_are_remote_by_default)
{
    run_result ind, f2f, dig, rem;
    run_scenario(&ind, ROOMS("by_kind.yaml"), 0, 1);
    run_scenario(&f2f, ROOMS("one_room.yaml"), 0, 1);
    run_scenario(&dig, ROOMS("digital.yaml"), 0, 1);
    run_scenario(&rem, ROOMS("remote.yaml"), 0, 1);
    same_bits(&ind, &f2f);
    same_bits(&dig, &rem);
    cr_assert_eq(total(&ind, 0, "room_hours_booked", "all"), 156);
    cr_assert_eq(total(&dig, 0, "appointments_remote", "all"), 160);
    cr_assert_eq(total(&dig, 0, "room_hours_booked", "all"), 0);
    run_free(&ind);
    run_free(&f2f);
    run_free(&dig);
    run_free(&rem);
}

/* A room secured from 1 July: nothing face to face before it, whether the
 * service knew 4 weeks ahead or only on the day; then 4 a Wednesday. */
Test(rooms, no_face_to_face_appointment_before_the_room_is_secured)
{
    const char *files[] = {ROOMS("secured.yaml"), ROOMS("secured_no_notice.yaml")};
    for (int f = 0; f < 2; f++) {
        run_result r;
        run_scenario(&r, files[f], 0, 1);
        check_conservation(&r);
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            double held = 4.0 * wednesdays(&r, m, ymd(2026, 7, 1), ymd(2026, 12, 31));
            cr_assert_eq(val(&r, 0, "appointments_face_to_face", "site:clinic", m), held, "%s month %d", files[f], m);
            cr_assert_eq(val(&r, 0, "appointments", "all", m), held, "%s month %d", files[f], m);
            if (m < 3) {
                cr_assert_eq(val(&r, 0, "room_hours_available", "site:clinic", m), 0, "%s month %d", files[f], m);
                cr_assert_eq(val(&r, 0, "entered_treatment", "all", m), 0, "%s month %d", files[f], m);
                cr_assert(isnan(val(&r, 0, "room_utilisation", "site:clinic", m)), "no hours: undefined");
            }
        }
        cr_assert_eq(val(&r, 0, "entered_treatment", "all", 3), 20, "%s: July's 5 Wednesdays x 4", files[f]);
        run_free(&r);
    }
}

/* How long rooms hold bookings up, and who waits for one. With the room
 * secured from 1 July (known 4 weeks ahead), the 40 people allocated on
 * day one wait at the site through April and May; on 3 June the July room
 * is learnt and all 40 first sessions are booked, 4 on each Wednesday from
 * 1 July to 2 September, each wanted from 2 April: a mean delay of 1 July
 * + 31.5 days - 2 April = 121.5 days. Every later session, wanted a week
 * after the last, finds the next 9 Wednesdays full (40 people, 4 sessions
 * a Wednesday) and takes the tenth: 70 - 7 = 63 days late. */
Test(rooms, room_delays_and_people_waiting_for_a_room)
{
    run_result r;
    run_scenario(&r, ROOMS("secured.yaml"), 0, 1);
    check_conservation(&r);
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        double waiting = val(&r, 0, "room_waiting", "site:clinic", m),
               delay = val(&r, 0, "room_delay_mean", "site:clinic", m);
        cr_assert_eq(waiting, m < 2 ? 40 : 0, "month %d: %g waiting for a room", m, waiting);
        cr_assert_eq(val(&r, 0, "room_waiting", "all", m), waiting);
        if (m < 2)
            cr_assert(isnan(delay), "month %d: no booking, no delay (%g)", m, delay);
        else
            cr_assert_eq(delay, m == 2 ? 121.5 : 63, "month %d: mean delay %g days", m, delay);
        cr_assert(memcmp(&delay, &(double){val(&r, 0, "room_delay_mean", "all", m)}, sizeof delay) == 0, "month %d", m);
        /* sessions 10 weeks apart: no course of 4 ends before January, so
         * each session held books the next, delayed */
        double booked = m < 2 ? 0 : m == 2 ? 40 : val(&r, 0, "appointments", "all", m);
        cr_assert_eq(val(&r, 0, "room_delayed", "site:clinic", m), booked, "month %d", m);
    }
    run_free(&r);
}

/* A room withdrawn from August under bookings made for two: they move,
 * nobody is lost (conservation), no month has more room hours booked than
 * available, and from August each month holds the one room's 4 sessions a
 * Wednesday. (Checked by month, as the model reports: a Wednesday over
 * its room and another under it in the same month would pass.) */
Test(rooms, withdrawn_room_moves_bookings_and_loses_nobody)
{
    run_result r;
    run_scenario(&r, ROOMS("withdrawn.yaml"), 0, 1);
    check_conservation(&r);
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        int before = m < 4; /* April to July: two rooms */
        double held = (before ? 8.0 : 4.0) * wednesdays(&r, m, ymd(2026, 4, 8), ymd(2026, 12, 31));
        double booked = val(&r, 0, "room_hours_booked", "site:clinic", m),
               open = val(&r, 0, "room_hours_available", "site:clinic", m);
        cr_assert_eq(val(&r, 0, "appointments_face_to_face", "site:clinic", m), held, "month %d", m);
        cr_assert_leq(booked, open, "month %d: %g hours booked of %g", m, booked, open);
        cr_assert_eq(open, (before ? 8.0 : 4.0) * wednesdays(&r, m, ymd(2026, 4, 1), ymd(2026, 12, 31)));
    }
    /* 80 people x 4 sessions: 320 = 17 Wednesdays to July at 8 (136) + 22
     * from August at 4 (88) + 96 left at the end. */
    cr_assert_eq(total(&r, 0, "appointments", "all"), 136 + 88);
    run_free(&r);
}

/* Each site's cost is its charged hours x its rate (the surgery charges
 * every hour available, the hospital the hours booked); the service's is
 * the sum; face-to-face and remote appointments add up to all of them. */
Test(rooms, room_costs_are_the_charged_hours_times_the_rate)
{
    run_result r;
    run_scenario(&r, ROOMS("costs.yaml"), 0, 2);
    check_conservation(&r);
    double f2f = 0, remote = 0;
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            double sa = val(&r, rep, "room_hours_available", "site:surgery", m),
                   cb = val(&r, rep, "room_hours_booked", "site:clinic", m),
                   ca = val(&r, rep, "room_hours_available", "site:clinic", m);
            cr_assert_eq(val(&r, rep, "room_cost", "site:surgery", m), 25 * sa, "rep %zu month %d", rep, m);
            cr_assert_eq(val(&r, rep, "room_cost", "site:clinic", m), 40 * cb, "rep %zu month %d", rep, m);
            cr_assert_float_eq(val(&r, rep, "room_cost", "all", m), 25 * sa + 40 * cb, 1e-9, "rep %zu month %d", rep, m);
            /* open hours: 6 on Tuesdays and Thursdays; 7.5 a room on Mondays,
             * Wednesdays and Fridays, two rooms from September */
            cr_assert_eq(sa, 6.0 * days_in(&r, m, 1u << 1 | 1u << 3), "rep %zu month %d", rep, m);
            cr_assert_eq(ca, (m < 5 ? 7.5 : 15) * days_in(&r, m, 1u << 0 | 1u << 2 | 1u << 4), "month %d", m);
            cr_assert_eq(val(&r, rep, "room_hours_available", "all", m), sa + ca);
            double a = val(&r, rep, "appointments", "all", m), x = val(&r, rep, "appointments_face_to_face", "all", m),
                   y = val(&r, rep, "appointments_remote", "all", m);
            cr_assert_eq(x + y, a, "rep %zu month %d", rep, m);
            cr_assert_eq(x, val(&r, rep, "appointments_face_to_face", "site:surgery", m) +
                                val(&r, rep, "appointments_face_to_face", "site:clinic", m));
            f2f += x, remote += y;
        }
    cr_assert_gt(f2f, 0);
    cr_assert_gt(remote, 0);
    run_free(&r);
}

/* Face-to-face assessments take the room: 4 each Wednesday from 8 April
 * until the 40 waiting are seen (10 June); remote treatment needs none. */
Test(rooms, face_to_face_assessments_need_a_room)
{
    run_result r;
    run_scenario(&r, ROOMS("assessment.yaml"), 0, 1);
    check_conservation(&r);
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        double seen = 4.0 * wednesdays(&r, m, ymd(2026, 4, 8), ymd(2026, 6, 10));
        cr_assert_eq(val(&r, 0, "assessed", "all", m), seen, "month %d", m);
        cr_assert_eq(val(&r, 0, "appointments_face_to_face", "all", m), seen, "month %d", m);
        cr_assert_eq(val(&r, 0, "room_hours_booked", "site:clinic", m), seen, "month %d", m);
    }
    cr_assert_eq(total(&r, 0, "assessed", "all"), 40);
    cr_assert_eq(total(&r, 0, "appointments_remote", "all"), 40 * 4, "4 remote sessions each");
    /* Assessments are booked up to 3 weeks ahead (the booking horizon),
     * each wanted from 2 April, when the assessors are free: on 1 April 4
     * on each of 8, 15 and 22 April (6, 13 and 20 days late), then each
     * Wednesday 4 more for the Wednesday three weeks on (27, 34, ... 69
     * days): April's 28 bookings are 27 days late on average, May's 12 62
     * days; 12 still wait for a room at the end of April. */
    cr_assert_eq(val(&r, 0, "room_delayed", "site:clinic", 0), 28);
    cr_assert_eq(val(&r, 0, "room_delay_mean", "site:clinic", 0), 27);
    cr_assert_eq(val(&r, 0, "room_waiting", "site:clinic", 0), 12);
    cr_assert_eq(val(&r, 0, "room_delayed", "site:clinic", 1), 12);
    cr_assert_eq(val(&r, 0, "room_delay_mean", "site:clinic", 1), 62);
    cr_assert_eq(val(&r, 0, "room_waiting", "site:clinic", 1), 0);
    run_free(&r);
}

/* Groups meet in a room: the room on the facilitators' day runs the same
 * groups as without one; no room runs none, and the first group (of at
 * most 5) waits for a room every month. */
Test(rooms, groups_need_a_room_for_every_session)
{
    run_result r, none;
    run_scenario(&r, ROOMS("group_room.yaml"), 0, 1);
    run_scenario(&none, ROOMS("group_no_room.yaml"), 0, 1);
    check_conservation(&r);
    check_conservation(&none);
    cr_assert_eq(total(&r, 0, "groups_started", "all"), 3);
    cr_assert_eq(total(&r, 0, "finished_courses", "all"), 13);
    cr_assert_eq(total(&r, 0, "room_hours_booked", "site:base"), 3 * 4 * 4, "3 groups x 4 sessions x 4 hours");
    cr_assert_eq(total(&r, 0, "appointments_face_to_face", "site:base"), 13 * 4);
    cr_assert_eq(total(&none, 0, "groups_started", "all"), 0);
    cr_assert_eq(total(&none, 0, "room_hours_booked", "all"), 0);
    cr_assert_eq(val(&none, 0, "waiting", "stage:step2", none.m->layout.nmonths - 1), 14);
    for (int m = 0; m < none.m->layout.nmonths; m++) {
        cr_assert_eq(val(&none, 0, "room_waiting", "site:base", m), 5, "month %d: the first group's 5 (of 14)", m);
        cr_assert_eq(val(&r, 0, "room_waiting", "site:base", m), 0, "month %d", m);
    }
    run_free(&r);
    run_free(&none);
}

/* Fortnightly groups of 12 sessions (group_room_long.yaml) outlast the
 * 128-day diary window: every session takes the room as its day enters the
 * window, so the site's 156 hours on the 39 Mondays are each booked by
 * exactly one session, in every month (booked = available, never more). */
Test(rooms, groups_longer_than_the_window_take_the_room_every_session)
{
    run_result r;
    run_scenario(&r, ROOMS("group_room_long.yaml"), 0, 1);
    check_conservation(&r);
    cr_assert_eq(total(&r, 0, "groups_started", "all"), 4);
    cr_assert_eq(total(&r, 0, "room_hours_booked", "site:base"), 39 * 4, "12 + 12 + 8 + 7 sessions x 4 hours");
    cr_assert_eq(total(&r, 0, "appointments_face_to_face", "site:base"), 3 * 12 + 3 * 12 + 5 * 8 + 3 * 7);
    cr_assert_eq(total(&r, 0, "group_sessions_unstaffed", "all"), 0);
    for (int m = 0; m < r.m->layout.nmonths; m++)
        cr_assert_eq(val(&r, 0, "room_hours_booked", "site:base", m),
                     val(&r, 0, "room_hours_available", "site:base", m), "month %d", m);
    run_free(&r);
}

Test(rooms, same_seed_same_bits_any_threads_with_sites, .timeout = 60)
{
    run_result a, b;
    run_scenario(&a, ROOMS("costs.yaml"), 3, 1);
    run_scenario(&b, ROOMS("costs.yaml"), 3, 2);
    cr_assert_eq(memcmp(a.x, b.x, a.nrep * a.nout * sizeof(double)), 0, "1 thread and 2 threads differ");
    run_free(&a);
    run_free(&b);
}

/* The shipped LTC scenario: the hospital clinic's rooms come on 1 July
 * 2027 (month 15), the practice's at diabetes go-live (April 2027, month
 * 12). No face-to-face appointment at either before, none at a site
 * beyond its rooms, and people are conserved. */
Test(rooms, ltc_backfill_co_location, .timeout = 120)
{
    run_result r;
    run_scenario(&r, DATA("scenarios/ltc-backfill.yaml"), 3, 2);
    check_conservation(&r);
    double hospital = 0;
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            double h = val(&r, rep, "appointments_face_to_face", "site:general_hospital", m),
                   s = val(&r, rep, "appointments_face_to_face", "site:riverside_surgery", m);
            if (m < 15)
                cr_assert_eq(h, 0, "rep %zu month %d: hospital appointments before its rooms", rep, m);
            if (m < 12)
                cr_assert_eq(s, 0, "rep %zu month %d: practice appointments before go-live", rep, m);
            cr_assert_leq(val(&r, rep, "room_hours_booked", "all", m), val(&r, rep, "room_hours_available", "all", m));
            cr_assert_eq(val(&r, rep, "appointments_face_to_face", "all", m) + val(&r, rep, "appointments_remote", "all", m),
                         val(&r, rep, "appointments", "all", m));
            hospital += h;
        }
    cr_assert_gt(hospital, 0, "the hospital's rooms are used once secured");
    run_free(&r);
}
