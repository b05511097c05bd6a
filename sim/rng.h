/*
 * sim/rng.h: random streams, one per stochastic source per replication.
 *
 * A stream is an ordinary gsl_rng, so every GSL sampler (gsl_ran_*) works on
 * it. Its generator is xoshiro256** (Blackman and Vigna), registered as a GSL
 * generator type: 256 bits of state, period 2^256 - 1, and a 64-bit seed
 * expanded through splitmix64. GSL's own generators take 32-bit seeds, which
 * would make collisions between thousands of streams likely; this one is
 * seeded from a 64-bit key mixed from (master seed, replication, stream id),
 * so streams for different sources or replications are unrelated, and a
 * source keeps its stream when other sources are added (common random
 * numbers). No global random state exists anywhere in the engine.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The GSL generator type behind every stream. get() returns 32 bits,
 * get_double() 53 bits in [0, 1). */
extern const gsl_rng_type *sim_rng_xoshiro256ss;

/* The 64-bit key of stream `stream` in replication `rep` under `master`: a
 * splitmix64 avalanche of all three, so neighbouring inputs give unrelated
 * keys. */
uint64_t sim_rng_key(uint64_t master, uint64_t rep, uint64_t stream);

/* A stream id from a name ("arrivals/desk-2"): 64-bit FNV-1a. Naming
 * streams by their source keeps ids stable when sources are added. */
uint64_t sim_rng_stream_id(const char *name);

/* Allocates and seeds a stream. Returns NULL if memory runs out; the caller
 * frees it with gsl_rng_free. */
gsl_rng *sim_rng_create(uint64_t master, uint64_t rep, uint64_t stream);

/* Reseeds an existing stream (of any type) as sim_rng_create would. */
void sim_rng_seed(gsl_rng *r, uint64_t master, uint64_t rep, uint64_t stream);

/* 64 random bits from a stream: straight from the state for the engine's
 * own generator, else assembled from gsl_rng_get calls over the generator's
 * range (gsl_rng_min..gsl_rng_max: the largest power of two of values that
 * fits in it, drawing again above it), so any GSL generator gives 64
 * uniform bits. */
uint64_t sim_rng_u64(gsl_rng *r);

/* An exponential variate with the given mean (> 0) by the ziggurat method
 * (Marsaglia and Tsang 2000; 256 layers, 53-bit resolution): about 99% of
 * draws cost one 64-bit number, a multiply and a compare, with no logarithm,
 * several times faster than gsl_ran_exponential and exact in distribution.
 * The tables are built once per process on first use (thread-safe). */
double sim_rng_exponential(gsl_rng *r, double mean);

/* Installs the engine's GSL error handler in place of GSL's default one,
 * which calls abort(). Errors are counted per thread and the first message is
 * kept, so a replication can fail cleanly. Safe to call many times and from
 * many threads. */
void sim_rng_install_error_handler(void);
/* Number of GSL errors raised on this thread since the last reset, and the
 * first message ("" if none). */
unsigned sim_gsl_errors(void);
const char *sim_gsl_first_error(void);
void sim_gsl_errors_reset(void);

#endif
