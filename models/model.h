/*
 * models/model.h: the IAPT stepped-care and workforce model.
 *
 * Prepare once from a loaded scenario (derived tables such as daily referral
 * rates, and the output layout), then run any number of replications, on
 * any threads: a prepared model is only read. One replication writes
 * layout.nseries x layout.nmonths values (models/measures.h). Its random
 * streams are keyed by (seed, replication, source), so the same seed gives
 * the same numbers bit for bit whatever the thread count.
 */
#ifndef IAPT_MODEL_H
#define IAPT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "models/measures.h"
#include "models/scenario.h"

typedef struct iapt_model {
    const iapt_scenario *sc;  /* not owned; must outlive the model */
    iapt_layout layout;
    int32_t ndays;            /* simulated days */
    double *rates;            /* referrals per day: narrivals x ndays */
    int32_t narrivals;        /* arrival streams (each source of each pathway) */
    int32_t *arr_pathway, *arr_source; /* per stream: pathway, and source index in the layout */
    int32_t *arr_slot;        /* per stream: index of the source in its pathway's map */
    int32_t maxmod;           /* largest number of modalities in a step */
    uint8_t *clinic;          /* per day from the start (ndays + diary window): a clinic day */
    int32_t nclinic;
    double clinic_days_per_week;
} iapt_model;

/* Prepares a model for a validated scenario. Returns NULL on OOM. */
iapt_model *iapt_model_create(const iapt_scenario *sc);
void iapt_model_destroy(iapt_model *m);

/* Referrals per day of pathway pw (all its sources) on day d of the run,
 * as the model draws them: the stated rate with growth, seasonality,
 * shocks and the go-live ramp. For a loaded scenario. */
double iapt_pathway_rate(const iapt_scenario *sc, int32_t pw, int32_t d);

/* Values per replication. */
size_t iapt_model_nout(const iapt_model *m);

/* Runs replication `rep` under `seed` into out (iapt_model_nout values).
 * Returns 0, or -1 on OOM. Matches sim_rep_fn with ctx = the model. */
int iapt_model_rep(const void *model, uint64_t seed, uint64_t rep, double *out, size_t nout);

#endif
