/*
 * tests/queueing_theory.h: formulas of queueing theory the tests compare
 * simulations with (header-only; each test file is its own program).
 */
#ifndef TESTS_QUEUEING_THEORY_H
#define TESTS_QUEUEING_THEORY_H

#include <math.h>

#include <gsl/gsl_sf_gamma.h>

/* Erlang C: the probability that an arrival waits in an M/M/c queue with
 * offered load a = lambda / mu (a < c). */
static inline double erlang_c(int c, double a)
{
    double sum = 0;
    for (int k = 0; k < c; k++)
        sum += pow(a, k) / gsl_sf_fact((unsigned)k);
    double top = pow(a, c) / gsl_sf_fact((unsigned)c) * c / (c - a);
    return top / (sum + top);
}

#endif
