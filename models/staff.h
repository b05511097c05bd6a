/*
 * models/staff.h: clinicians, their caseload places and their diaries.
 *
 * A clinician belongs to one or more teams (a share of their time in each)
 * and, through their grade, treats at one or more steps; each (team, step)
 * pair is a membership with its own caseload places, floor(places per WTE
 * x WTE x team share x caseload factor); places per WTE, weekly clinical
 * hours and leave are the person's (their grade's unless their staff group
 * overrides them). When places are cut under the people a clinician holds
 * (a move to another team, a supervision shortfall) those people stay with
 * them to the end of their course (continuity of care), and each one held
 * beyond the places of one membership takes a free place of the
 * clinician's others: a membership's cap, the places open to new people,
 * is its places less those lent, so a clinician's caseload never grows
 * beyond their places overall, and a moved clinician takes new work as the
 * courses they carry end. Memberships with a
 * free place sit on a free list of their (team, step) keyed by the
 * clinician's capability bits, so finding an eligible clinician with a free
 * place looks at no more than four list heads.
 *
 * A diary holds, for each of the next IAPT_DIARY_DAYS days, the clinic
 * minutes available and still free. A clinic day holds the person's weekly
 * clinical hours x WTE / clinic days per week; leave and sickness take whole
 * weeks out (a share `leave` of weeks). Availability is recomputed from the
 * clinician's state (in post, clinic day, leave week, university day,
 * top-up course day, supervision given on the days they work), so changes
 * take effect on every future day at once.
 */
#ifndef IAPT_STAFF_H
#define IAPT_STAFF_H

#include "models/state.h"

/* A clinician to add. Hours, caseload and leave are the person's own
 * (a staff group may override its grade's values). */
typedef struct iapt_staff_spec {
    int32_t grade;
    double wte;
    const double *team_share;  /* nteams values summing to 1; copied */
    uint8_t caps;              /* capability bits */
    int32_t programme;         /* training programme, IAPT_NONE if qualified */
    double start;              /* in post from this time */
    double cap_factor;         /* caseload factor to start with (0: no places until set) */
    double clinical_hours;     /* per week per WTE */
    double caseload;           /* places per WTE */
    double leave;              /* share of weeks on leave or sick */
} iapt_staff_spec;

/* The spec of a person of `grade` with the grade's hours, caseload and
 * leave, qualified, full caseload factor; the caller sets the rest. */
iapt_staff_spec iapt_staff_spec_of_grade(const state *st, int32_t grade);

/* Adds a clinician as `spec` says: creates their memberships, diary and
 * caseload places (at spec->cap_factor, offered to waiting people at once).
 * Returns the index, or -1 on OOM. */
int32_t iapt_staff_add(state *st, const iapt_staff_spec *spec);

/* Recomputes the caseload places and caps of every membership of c (after
 * a change of WTE, team shares, activity, caseload factor or capability, or
 * when a person held beyond a membership's places leaves), keeps the free
 * lists in step, and offers new free places to waiting people. */
void iapt_staff_recap(state *st, int32_t c);

/* Changes c's capability bits, keeping the free lists keyed correctly, and
 * offers c's free places to the people the change makes eligible. */
void iapt_staff_set_caps(state *st, int32_t c, uint8_t caps);

/* Which steps a grade treats at: bit s set for step s. */
unsigned iapt_grade_steps(const state *st, int32_t grade);

/* Whether day d falls in one of clinician c's leave weeks. */
int iapt_staff_on_leave(const state *st, int32_t c, int32_t d);
/* Whether clinician c works on day d: in post, a clinic day, not on leave,
 * not away at university or on a course. Supervisors give supervision on
 * these days only (models/supervision.h). */
int iapt_staff_works(const state *st, int32_t c, int32_t d);
/* Clinic minutes clinician c has on day d: 0 when not working, else their
 * clinic minutes less those given to supervision, to the nearest minute
 * (iapt_diary_minutes). */
int32_t iapt_diary_capacity(const state *st, int32_t c, int32_t d);
/* Minutes m to the nearest whole minute, at least 0: as diaries hold them. */
int32_t iapt_diary_minutes(double m);
/* Free minutes on day d (d within the diary window), or INT32_MIN outside. */
int32_t iapt_diary_free(const state *st, int32_t c, int32_t d);
/* Clinic minutes clinician c's diary holds for day d (within the window),
 * and whether c works on day d with at least `minutes` free. */
int32_t iapt_diary_open(const state *st, int32_t c, int32_t d);
int iapt_diary_fits(const state *st, int32_t c, int32_t d, int32_t minutes);
/* First day >= from within the window with at least `minutes` free, or
 * IAPT_NONE. */
int32_t iapt_diary_find(const state *st, int32_t c, int32_t from, int32_t minutes);
void iapt_diary_take(state *st, int32_t c, int32_t d, int32_t minutes);
void iapt_diary_give(state *st, int32_t c, int32_t d, int32_t minutes);
/* Recomputes capacity for days >= from; appointments left beyond a day's
 * capacity are moved to later days, and if the day still holds more than
 * its capacity, c is unbooked from group sessions that day
 * (iapt_groups_diary_short). */
void iapt_diary_refresh(state *st, int32_t c, int32_t from);
/* Day start: accounts the day that ended, opens the new last day of every
 * diary. */
void iapt_diary_roll(state *st);

/* The membership with a free place in (team, step) that can take a person
 * with requirement bits `req` and has waited longest, or IAPT_NONE. */
int32_t iapt_free_pick(const state *st, int32_t team, int32_t step, uint8_t req);
/* Puts membership k on or off its free list to match load < cap. */
void iapt_free_update(state *st, int32_t k);

/* The people booked with or held by a clinician: intrusive list. */
void iapt_clin_link(state *st, int32_t c, int32_t p);
void iapt_clin_unlink(state *st, int32_t c, int32_t p);

#endif
