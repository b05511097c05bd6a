/*
 * sim/rng.c: xoshiro256** as a GSL generator type, stream seeding, the
 * ziggurat exponential sampler, and the GSL error handler.
 */
#include "sim/rng.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

_Static_assert(sizeof(unsigned long) == 8, "iaptsim needs 64-bit unsigned long (LP64)");

typedef struct xo_state {
    uint64_t s[4];
} xo_state;

/* x rotated left by k bits, 0 < k < 64. */
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* Advances the counter *x and returns its splitmix64 output (a bijection
 * of the counter). */
static inline uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The next xoshiro256** output; advances the state. */
static inline uint64_t xo_next(xo_state *st)
{
    uint64_t *s = st->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* GSL seeding hook: the four state words from the seed by splitmix64. */
static void xo_set(void *vstate, unsigned long seed)
{
    xo_state *st = vstate;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        st->s[i] = splitmix64(&x);
    /* splitmix64 outputs are a bijection of distinct counters, so the state
     * cannot be all zero. */
}

/* GSL get hook: the high 32 bits of the next output. */
static unsigned long xo_get(void *vstate) { return (unsigned long)(xo_next(vstate) >> 32); }

/* GSL get_double hook: the top 53 bits as a double in [0, 1). */
static double xo_get_double(void *vstate) { return (double)(xo_next(vstate) >> 11) * 0x1.0p-53; }

static const gsl_rng_type xo_type = {
    "xoshiro256**", 0xffffffffUL, 0, sizeof(xo_state), &xo_set, &xo_get, &xo_get_double,
};

const gsl_rng_type *sim_rng_xoshiro256ss = &xo_type;

uint64_t sim_rng_key(uint64_t master, uint64_t rep, uint64_t stream)
{
    /* Fold each input into a running value through the splitmix64 bijection
     * (full avalanche), so keys of neighbouring inputs are unrelated and two
     * different inputs collide with probability about 2^-64. */
    uint64_t x = master;
    uint64_t h = splitmix64(&x);
    x = h ^ rep;
    h = splitmix64(&x);
    x = h ^ stream;
    return splitmix64(&x);
}

uint64_t sim_rng_stream_id(const char *name)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

gsl_rng *sim_rng_create(uint64_t master, uint64_t rep, uint64_t stream)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_xoshiro256ss);
    if (r)
        gsl_rng_set(r, sim_rng_key(master, rep, stream));
    return r;
}

void sim_rng_seed(gsl_rng *r, uint64_t master, uint64_t rep, uint64_t stream)
{
    gsl_rng_set(r, sim_rng_key(master, rep, stream));
}

/* The number of uniform bits one gsl_rng_get of type t gives: the largest
 * k with 2^k <= max - min + 1 (24 for ranlux, 32 for mt19937, 30 for ran0,
 * whose 2147483646 values are not a power of two). */
static int bits_per_get(const gsl_rng_type *t)
{
    unsigned long span = t->max - t->min; /* the number of values less one */
    if (span == ULONG_MAX)
        return 64;
    unsigned long n = span + 1;
    int k = 0;
    while (n >> (k + 1) != 0)
        k++;
    return k;
}

uint64_t sim_rng_u64(gsl_rng *r)
{
    if (r->type == &xo_type)
        return xo_next(r->state);
    /* Other generators: k uniform bits per gsl_rng_get (the value less min;
     * when the range is not a power of two, values at or above 2^k are
     * drawn again), shifted in until 64 bits are filled. */
    int k = bits_per_get(r->type);
    assert(k >= 1);
    uint64_t x = 0;
    for (int have = 0; have < 64; have += k) {
        unsigned long v;
        do
            v = gsl_rng_get(r) - r->type->min;
        while (k < 64 && (v >> k) != 0);
        x = k < 64 ? x << k | v : v;
    }
    return x;
}

/* ---- ziggurat exponential ------------------------------------------------
 * f(x) = exp(-x) is covered by ZN layers of equal area ZV. Layer 0 is the
 * base: the box [0, ZR] x [0, f(ZR)] plus the tail x > ZR, drawn as one box
 * of width x[0] = ZV / f(ZR). Layer i >= 1 is the box [0, x[i]] x [f(x[i]),
 * f(x[i+1])] with x[1] = ZR and x[i+1] = f^-1(f(x[i]) + ZV / x[i]), down to
 * x[ZN] = 0. A draw picks a layer i and a point u * x[i]; it lies under the
 * curve for sure when u < x[i+1] / x[i] (the fast path); otherwise the tail
 * or a wedge test decides. ZR and ZV are Marsaglia and Tsang's constants for
 * 256 layers. */
#define ZN 256
#define ZR 7.69711747013104972
#define ZV 3.949659822581572e-3
#define Z53 9007199254740992.0 /* 2^53 */

static struct {
    uint64_t k[ZN];   /* fast-path bound: 2^53 * x[i+1] / x[i] */
    double w[ZN];     /* x[i] / 2^53 */
    double f[ZN + 1]; /* f(x[i]) */
} zig;

static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

/* Fills the ziggurat tables; run once per process (pthread_once). */
static void zig_build(void)
{
    double x[ZN + 1];
    x[0] = ZV / exp(-ZR);
    x[1] = ZR;
    for (int i = 1; i < ZN - 1; i++)
        x[i + 1] = -log(exp(-x[i]) + ZV / x[i]);
    x[ZN] = 0;
    for (int i = 0; i < ZN; i++) {
        zig.k[i] = (uint64_t)(Z53 * (x[i + 1] / x[i]));
        zig.w[i] = x[i] / Z53;
    }
    for (int i = 0; i <= ZN; i++)
        zig.f[i] = exp(-x[i]);
    zig.f[0] = 0; /* the base box starts at height 0 */
}

/* A standard (mean 1) exponential variate. */
static double zig_draw(gsl_rng *r)
{
    for (;;) {
        uint64_t b = sim_rng_u64(r);
        unsigned i = (unsigned)(b & (ZN - 1));
        uint64_t u = b >> 11;                 /* 53 bits, independent of i */
        double x = (double)u * zig.w[i];
        if (u < zig.k[i])
            return x;                         /* inside the curve: about 98.9% */
        if (i == 0)                           /* the tail beyond ZR: memoryless */
            return ZR - log1p(-gsl_rng_uniform(r));
        /* The wedge between x[i+1] and x[i]: accept under the curve. */
        double y = zig.f[i] + gsl_rng_uniform(r) * (zig.f[i + 1] - zig.f[i]);
        if (y < exp(-x))
            return x;
    }
}

double sim_rng_exponential(gsl_rng *r, double mean)
{
    pthread_once(&zig_once, zig_build);
    return mean * zig_draw(r);
}

static _Thread_local unsigned gsl_error_count;
static _Thread_local char gsl_error_first[256];

/* GSL error handler: counts the error on this thread and keeps the first
 * message; never aborts. */
static void error_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    if (gsl_error_count++ == 0)
        snprintf(gsl_error_first, sizeof gsl_error_first, "GSL error %d (%s) at %s:%d: %s", gsl_errno,
                 gsl_strerror(gsl_errno), file, line, reason);
}

static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

/* Installs error_handler; run once per process (pthread_once). */
static void install_once(void) { gsl_set_error_handler(&error_handler); }

void sim_rng_install_error_handler(void) { pthread_once(&handler_once, install_once); }

unsigned sim_gsl_errors(void) { return gsl_error_count; }

const char *sim_gsl_first_error(void) { return gsl_error_first; }

void sim_gsl_errors_reset(void)
{
    gsl_error_count = 0;
    gsl_error_first[0] = '\0';
}
