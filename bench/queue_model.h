/*
 * bench/queue_model.h: the reference queue (a bank: Poisson arrivals, c
 * tellers, one line, service times from any sim_dist) built only on the
 * engine. The queueing-theory tests verify it against M/M/1, M/M/c and M/D/1
 * formulas and Little's law; the benchmark times the same code.
 *
 * Two event kinds (arrival, departure) and one sim_resource; each customer's
 * arrival time rides in the event payload, so the model keeps no per-customer
 * memory. Statistics cover customers arriving after the warm-up time.
 */
#ifndef QUEUE_MODEL_H
#define QUEUE_MODEL_H

#include <stdint.h>

#include "sim/dist.h"

typedef struct qm_params {
    double arrival_mean;  /* mean time between arrivals */
    sim_dist service;     /* service time (prepared) */
    long servers;
    uint64_t customers;   /* the run stops at this arrival */
    double warmup;        /* statistics start at this time */
} qm_params;

typedef struct qm_result {
    uint64_t served;        /* departures counted (arrived after warm-up) */
    double mean_wait;       /* time in line, from the resource's tally */
    double mean_sojourn;    /* time in system of counted departures */
    double mean_queue;      /* time-average line length after warm-up */
    double mean_system;     /* time-average number in system after warm-up (L) */
    double arrival_rate;    /* counted arrivals / observed time */
    double overlap_mean;    /* total time customers spent inside during the observed window
                               / observed time: equals mean_system exactly (bookkeeping check) */
    double utilisation;
    double end_time;
    uint64_t events;
} qm_result;

/* Runs one replication. Returns 0, or -1 on OOM. */
int qm_run(const qm_params *p, uint64_t seed, uint64_t rep, qm_result *out);

#endif
