/*
 * models/state.h: the run-time state of one replication of the IAPT model,
 * shared by the model's modules (not a public API).
 *
 * People and clinicians live in growable arrays and are referred to by
 * index; every list a person or clinician is on (a waiting list, a
 * clinician's people, a free-place list) is intrusive, so joining and
 * leaving are O(1) and nothing is allocated per event once the arrays have
 * grown. Diaries are a ring of IAPT_DIARY_DAYS days per clinician holding
 * the clinic minutes available and still free each day; free minutes go
 * negative only when an appointment is placed beyond a full diary (counted
 * as overbooked), or for a moment when capacity is withdrawn under
 * existing bookings (which are then moved, and group facilitators
 * unbooked).
 *
 * Time is simulation days from the run's start date (time 0 = midnight).
 * Day numbers here are whole days from the start (day 0 is the start date).
 */
#ifndef IAPT_STATE_H
#define IAPT_STATE_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/model.h"
#include "models/scenario.h"
#include "sim/sim.h"
#include "sim/stats.h"

#define IAPT_DIARY_DAYS 128      /* how far ahead a diary can be booked (power of 2) */
#define IAPT_NONE (-1)

/* Event kinds and their priorities at equal times (lower first). */
enum {
    EV_DAY = SIM_KIND_USER,   /* day start: diaries roll, month ends, bookings */
    EV_ARRIVAL,               /* a referral (data: arrival stream) */
    EV_APPT,                  /* an assessment or session at a time within a day (data: person) */
    EV_DAY_APPTS,             /* the appointments booked at the start of a day (data: day) */
    EV_GROUP,                 /* a group session (data: group) */
    EV_DROP,                  /* drop-out while waiting (data: person) */
    EV_LEAVE,                 /* a clinician leaves (data: clinician) */
    EV_STARTER,               /* a recruit starts (data: recruitment) */
    EV_INTAKE,                /* a training cohort starts (data: cohort) */
    EV_QUALIFY,               /* a trainee finishes training (data: clinician) */
    EV_TRANSFER,              /* staff move between teams (data: transfer) */
    EV_TOPUP,                 /* attendees chosen for a top-up course (data: course) */
    EV_POSTS,                 /* funded establishment changes: check vacancies */
    EV_SKILL,                 /* a top-up course ends: LTC skill gained (data: clinician) */
};
enum { PRIO_DAY = 1, PRIO_STAFF = 2, PRIO_APPT = 3, PRIO_ARRIVAL = 4, PRIO_DROP = 5 };

/* Person states. */
typedef enum pstate {
    P_FREE,          /* slot unused */
    P_WAIT_ASSESS,   /* on a team's assessment list */
    P_ASSESS_BOOKED, /* assessment booked with a clinician */
    P_WAIT_TREAT,    /* on a treatment list for a step; part-way through a course (sessions > 0):
                        waiting for reallocation to a new clinician (their own left, or none on day one) */
    P_WAIT_GROUP,    /* on a group's list */
    P_BOOKED_FIRST,  /* allocated; first session of this course booked */
    P_IN_TREATMENT,  /* attended at least one session of this course */
    P_IN_GROUP,      /* member of a running group */
} pstate;

/* Capability bits of clinicians, and the matching requirement bits of people. */
enum { CAP_LTC = 1, CAP_COMPLEX = 2, NMASKS = 4 };

/* Person flags. */
enum {
    PF_CASE = 1,        /* a clinical case at referral */
    PF_PLAN_HI = 2,     /* planned low then high intensity */
    PF_HAD_LI = 4,
    PF_HAD_HI = 8,
    PF_ENTERED = 16,    /* has had a first treatment session */
    PF_RECOVERED = 32,  /* outcome of the last course with a session: the referral's outcome */
    PF_IMPROVED = 64,
    PF_HAS_OUTCOME = 128,
    PF_STEPPED_UP = 256,
    PF_F2F = 512,          /* the current stage (assessment, or course) is face to face (with a site) */
    PF_ROOM = 1024,        /* the booked appointment holds room minutes at the site on appt_day */
    PF_ROOM_WAIT = 2048,   /* waiting on the site's room list: no day in the window had clinician and
                              room both free (appt_day: first day wanted; appt_min: minutes; anext/aprev:
                              list links) */
    PF_ROOM_DELAYED = 4096,/* a booking attempt found the clinician free but no room: counted once booked
                              (room_free_day: the first day a clinician had time) */
};

typedef struct person {
    double referral;       /* referral time */
    double wait_start;     /* start of the current wait (referral, or step-up) */
    double joined;         /* time joined the current list (order key) */
    double first_session;  /* first treatment session of the episode */
    double course_start;   /* first session of the current course */
    double appt_min;       /* minutes of the booked appointment */
    double resume;         /* a course picked up mid-way resumes no earlier than this */
    sim_handle appt;       /* booked appointment, when it is a heap event */
    sim_handle drop;       /* drop-out-while-waiting event */
    int32_t next, prev;    /* list links (waiting list or group) */
    int32_t anext, aprev;  /* links in a day's appointment list, or a site's room waiting list */
    int32_t cnext, cprev;  /* clinician's people list */
    int32_t clin;          /* clinician holding the booking or caseload place */
    int32_t mem;           /* membership whose place is held */
    int32_t appt_day;
    int32_t room_free_day; /* with PF_ROOM_DELAYED (see there) */
    int32_t group;
    int16_t pathway, source, team, modality;
    int16_t site;          /* co-location site of face-to-face appointments, IAPT_NONE if none */
    int16_t sessions;      /* attended in this course */
    int16_t total_sessions;/* attended in the episode */
    int16_t planned;
    int16_t dnas;
    uint16_t flags;
    uint8_t state;         /* pstate */
    uint8_t step;          /* IAPT_STEP2 / IAPT_STEP3 for treatment states */
    uint8_t req;           /* requirement bits */
    uint8_t in_day;        /* booked in the appointment list of appt_day */
    uint8_t last_step;     /* step of the last course with a session, for finished-course measures */
    int8_t stock;          /* the stock this person is counted in now (iapt_people_stock), -1 none */
} person;

/* An intrusive FIFO of people, ordered by (joined, insertion). */
typedef struct plist {
    int32_t head, tail;
    int32_t n;
} plist;

/* A clinician's place in one team at one step. */
typedef struct membership {
    int32_t clin, team, step;
    double share;          /* of the clinician's time in this team */
    int32_t places;        /* caseload places in this team (share of the clinician's) */
    int32_t cap, load;     /* places open to people of this team (places less those lent to
                              people held beyond places in another team), people held */
    int32_t fnext, fprev;  /* free-place list of (team, step, clinician caps) */
    double free_since;
    uint8_t in_free;
} membership;

typedef struct clinician {
    int32_t grade;
    int32_t programme;     /* training programme while a trainee, else IAPT_NONE */
    int32_t cohort;
    double wte;
    double day_min;        /* clinic minutes on an ordinary clinic day */
    double supervising_min;/* minutes per day worked given to supervising trainees */
    double work_share;     /* share of this month's clinic days worked (models/supervision.c's cache, */
    int32_t work_month, work_topups; /* valid for month work_month and work_topups top-up courses booked) */
    double caseload;       /* caseload places per WTE (before the factor) */
    double leave;          /* share of weeks on leave or sick */
    double cap_factor;     /* caseload factor: trainee factor times supervision cover */
    double start, qualify; /* time in post from; time the training course ends (trainees) */
    /* Trainees' progress: days of training counted by `trained_at`, days
     * counted per day now (`pace`, from supervision cover), when they
     * qualify at that pace (INFINITY: never; NAN: they leave first), and
     * the pending qualification event (models/workforce.c). */
    double cover;          /* share of the supervision they need that they get */
    double trained, trained_at, pace, due;
    sim_handle qual_ev;
    uint8_t active;
    uint8_t caps;
    int32_t mem0, nmem;    /* memberships mem[mem0 .. mem0+nmem) */
    int32_t people;        /* head of the list of people booked with or held by them */
    int32_t ntopup;        /* top-up courses booked (indices in topup_of) */
    int32_t topup[4];
    double *team_share;    /* per team, owned by the state */
} clinician;

/* A running group. Its sessions are booked (facilitators' diaries, the
 * site's room) as their days enter the diary window: at the start for the
 * days already in it, then one a day as the window reaches them
 * (models/groups.c). */
typedef struct group_rec {
    int32_t team, step, modality;
    int32_t members[64];   /* person ids; IAPT_NONE once gone */
    int32_t nmembers, active;
    int32_t fac[4], nfac;  /* facilitators */
    uint64_t taken[4][IAPT_DIARY_DAYS / 64]; /* per facilitator: bit RING(day) set while their minutes on
                                                that session day are taken in their diary */
    int32_t held, total;   /* sessions held / planned */
    int32_t booked;        /* sessions booked so far (those whose day has entered the window) */
    int32_t first_day;
    int32_t site;          /* site whose room it meets in, IAPT_NONE if none */
    double minutes;
    sim_handle ev;
} group_rec;

/* Per (team, step): waiting lists by requirement mask (for a first
 * session, and for reallocation part-way through a course, offered places
 * first), free-place lists by clinician capability mask. */
typedef struct tstep {
    plist wait[NMASKS];
    plist realloc[NMASKS];
    int32_t fhead[NMASKS], ftail[NMASKS];
} tstep;

/* An arrival stream: one referral source of one pathway. */
typedef struct arrivals {
    int32_t pathway, source;
    const double *rate;    /* referrals per day, one per simulated day (model-owned) */
    gsl_rng *rng;
} arrivals;

/* Monthly accumulators that are not simple counts. */
typedef struct month_acc {
    sim_icount wait_all, *wait_pw; /* days to first treatment, entered this month */
    sim_icount hidden;             /* days first to second session */
    sim_icount step_wait[IAPT_NSTEPS], *step_wait_pw; /* days joining a step's list to its first session;
                                                         per step, and per pathway x step */
    double *avail_min, *used_min;  /* per grade: diary minutes this month */
    double *delivered_min;         /* per team x grade: attended assessment and session minutes */
    double *training_min;          /* per team x grade: minutes lost to training */
    double *contracted_min;        /* per team x grade: clinic minutes before training losses */
    double *supervising_min;       /* per team x grade: clinic minutes given to supervising trainees */
    double appts;                  /* appointments held (attended or missed) */
    /* denominators of the month's rates (numerators are recorded as counts
     * in their series and divided at month end) */
    double case_all, case_step[IAPT_NSTEPS], *case_pw; /* finished courses of cases */
    double course_cases[IAPT_NSTEPS];                   /* courses of cases with an outcome */
    double treated_exits;                               /* exits after any treatment */
    double step2_completions;                           /* step 2 courses ended by completion */
} month_acc;

typedef struct state {
    const iapt_model *m;
    const iapt_scenario *sc;
    sim *s;
    double *out;           /* this replication's outputs, series x months */
    double end;            /* time the run ends */
    int month;             /* current reporting month */
    int32_t today;         /* current day number */

    /* random streams, one per stochastic source */
    gsl_rng *r_optin, *r_assess, *r_route, *r_course, *r_dna, *r_drop_wait, *r_drop_treat,
        *r_outcome, *r_cadence, *r_turnover, *r_recruit, *r_training, *r_start, *r_leave, *r_step_up, *r_group, *r_one_session,
        *r_complex, *r_site, *r_f2f, *r_drop_realloc;
    uint64_t leave_key;    /* keys the leave-week draws (drawn once from r_leave) */

    person *p;
    int32_t np, pcap, pfree; /* pfree: head of free slots (linked by next) */

    clinician *c;
    int32_t nc, ccap;
    int32_t clin_linked;   /* people on clinicians' lists (iapt_clin_link/unlink), for the recount */
    membership *mem;
    int32_t nmem, memcap;
    int32_t *diary_cap, *diary_free; /* nc x IAPT_DIARY_DAYS */
    int32_t diary_rows;               /* rows allocated */

    tstep *ts;             /* teams x steps */
    plist *assess_wait;    /* teams x masks: assessment lists */
    plist *group_wait;     /* teams x steps x max modalities */
    int32_t *group_len;    /* per group list: sessions of the next group to start, -1 = not drawn yet */
    int32_t *assess_rr;    /* per team: round-robin start */
    /* Appointments at the start of a day, FIFO per day, for the days of the
     * diary window (ring indexed like the diaries); one EV_DAY_APPTS event
     * runs each day's list, so these cost no heap operations. */
    int32_t day_head[IAPT_DIARY_DAYS], day_tail[IAPT_DIARY_DAYS];
    int32_t day_done;      /* last day whose list has been run (-1 before the first) */
    int32_t *heap_clin, *heap_day, *heap_order; /* scratch for assessment booking, nc each */
    group_rec *groups;
    int32_t ngroups, gcap;

    arrivals *arr;
    int32_t narr;

    /* stocks, for conservation and waiting lists */
    double stock_in, cum_discharged, cum_dropped;
    int32_t waiting[3];    /* by stage */
    int32_t treating;      /* people in treatment */
    int32_t realloc[IAPT_NSTEPS]; /* part-way through a course, waiting for reallocation, by step */
    int32_t *waiting_pw;   /* by pathway x stage */
    int32_t *treating_pw;  /* by pathway */
    int32_t *realloc_pw;   /* by pathway */
    double fy_entered;     /* entered treatment since the last 1 April (or the run's start) */
    sim_icount fy_wait, *fy_wait_pw; /* since then: days to first treatment, all and by pathway */
    sim_icount fy_hidden;  /* since then: days first to second session */

    month_acc acc;
    struct workforce *wf;  /* models/workforce.c */
    struct supervision *sv;/* models/supervision.c */
    struct rooms *rm;      /* models/rooms.c; NULL without sites */
    struct demand *dm;     /* models/demand.c; NULL when no source responds to waits */
} state;

/* Helpers shared across modules. */
int32_t iapt_day_of(double t);
/* Whether day d (day number) is a clinic day for the service. */
int iapt_clinic_day(const state *st, int32_t d);

#endif
