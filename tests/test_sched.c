/*
 * tests/test_sched.c: time-varying values (steps and ramps).
 */
#include <criterion/criterion.h>
#include <math.h>

#include "sim/sched.h"

Test(sched, steps_and_ramps)
{
    sim_sched s = sim_sched_const(10);
    sim_sched_add(&s, 5, 5, 20);  /* step to 20 at t=5 */
    sim_sched_add(&s, 8, 12, 40); /* ramp 20 -> 40 over [8,12] */
    cr_assert_null(sim_sched_check(&s));
    cr_assert_eq(sim_sched_at(&s, 0), 10);
    cr_assert_eq(sim_sched_at(&s, 4.999), 10);
    cr_assert_eq(sim_sched_at(&s, 5), 20);
    cr_assert_eq(sim_sched_at(&s, 8), 20);
    cr_assert_float_eq(sim_sched_at(&s, 9), 25, 1e-12);
    cr_assert_eq(sim_sched_at(&s, 12), 40);
    cr_assert_eq(sim_sched_at(&s, 100), 40);
    cr_assert_eq(sim_sched_min(&s), 10);
    cr_assert_eq(sim_sched_max(&s), 40);
    cr_assert_eq(sim_sched_next_break(&s, 0), 5);
    cr_assert_eq(sim_sched_next_break(&s, 5), 8);
    cr_assert_eq(sim_sched_next_break(&s, 9), 12);
    cr_assert(isinf(sim_sched_next_break(&s, 12)));
    sim_sched_free(&s);
}

Test(sched, integral_is_exact)
{
    sim_sched s = sim_sched_const(10);
    sim_sched_add(&s, 5, 5, 20);
    sim_sched_add(&s, 8, 12, 40);
    /* [0,5): 50; [5,8): 60; [8,12]: trapezoid (20+40)/2*4 = 120; [12,20]: 320 */
    cr_assert_float_eq(sim_sched_integral(&s, 0, 20), 550, 1e-9);
    cr_assert_float_eq(sim_sched_integral(&s, 9, 10), 27.5, 1e-9);
    cr_assert_float_eq(sim_sched_integral(&s, 4, 6), 30, 1e-9);
    cr_assert_float_eq(sim_sched_integral(&s, 3, 3), 0, 1e-12);
    sim_sched_free(&s);
}

Test(sched, malformed_segments_are_explained)
{
    sim_sched s = sim_sched_const(1);
    sim_sched_add(&s, 5, 4, 2);
    cr_assert_str_eq(sim_sched_check(&s), "a ramp must end after it starts");
    sim_sched_free(&s);
    sim_sched_add(&s, 5, 8, 2);
    sim_sched_add(&s, 7, 7, 3);
    cr_assert_str_eq(sim_sched_check(&s), "changes must be in date order and must not overlap");
    sim_sched copy;
    cr_assert_eq(sim_sched_copy(&copy, &s), 0);
    cr_assert_eq(copy.n, 2);
    cr_assert_neq(copy.seg, s.seg);
    sim_sched_free(&copy);
    sim_sched_free(&s);
}
