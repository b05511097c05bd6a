/*
 * models/flow.h: what happens to a referral, from arrival to discharge.
 *
 *  1. A referral arrives (a source of a pathway; one whose source refers
 *     less while waits are long may be cut, models/demand.h) and is a
 *     clinical case or not; it may never opt in, or fail the local
 *     eligibility filter.
 *  2. It joins its team's assessment list; each morning assessments are
 *     booked into assessors' diaries up to the booking horizon, earliest
 *     free day first (a face-to-face one on a day with a room free at the
 *     person's site, models/rooms.h). While waiting, drop-out runs at a hazard that rises
 *     with the wait.
 *  3. At the assessment (which can be missed: DNA, rebook, discharge after
 *     repeated DNAs) the person is routed to step 2, step 3, step 2 then 3,
 *     or signposted out, and given a modality and a planned course length.
 *  4. One-to-one and digital care need a caseload place with a clinician of
 *     the step (with LTC skill where the pathway needs it; trainees may not
 *     take complex cases); the person waits on the (team, step) list until
 *     a place is free, then the first session is booked in that clinician's
 *     diary. Groups start when enough people wait (models/groups.h).
 *     People part-way through a course with no clinician (theirs left, or
 *     none had a place on day one) wait for reallocation, ahead of people
 *     waiting for a first session, with a drop-out clock.
 *  5. Sessions recur at the modality's cadence with the same clinician; each
 *     can be missed (discharge after repeated DNAs); after the first (of
 *     each course) and each later session the person may drop out, and
 *     after the referral's first session may be discharged (one-session
 *     care, not suitable, referred on). The course ends when the planned
 *     sessions are done or the maximum course length is reached.
 *  6. At the end of a course with a session at its step an outcome is
 *     drawn (recovered, reliably improved), replacing any earlier course's:
 *     the referral's outcome is its last course's. A step 2 completer who
 *     recovered is discharged; one who did not is stepped up to the step 3
 *     list if planned for step 2 then 3, else with the step-up share;
 *     otherwise the person is discharged (a finished course if >= 2
 *     treatment sessions in the referral).
 */
#ifndef IAPT_FLOW_H
#define IAPT_FLOW_H

#include "models/state.h"

/* EV_ARRIVAL: a referral from arrival stream a; schedules the next one. */
void iapt_flow_referral(state *st, int32_t a);
/* The first arrival of stream a after time t (+INFINITY if none). */
double iapt_flow_next_arrival(state *st, int32_t a, double t);
/* Daily: books waiting people into assessment slots. */
void iapt_flow_book_assessments(state *st);
/* EV_APPT: a booked assessment or session for person p. */
void iapt_flow_appointment(state *st, int32_t p);
/* EV_DAY_APPTS: every appointment booked at the start of day d, in booking
 * order (appointments booked meanwhile for the same instant join the end). */
void iapt_flow_day_appointments(state *st, int32_t d);
/* EV_DROP: p drops out while waiting. */
void iapt_flow_drop_waiting(state *st, int32_t p);

/* Puts p on the assessment list (waiting since wait_start). */
void iapt_flow_join_assessment(state *st, int32_t p);
/* Puts p into treatment at `step`: a group list or the (team, step) list,
 * taking a free caseload place at once if there is one. */
void iapt_flow_join_step(state *st, int32_t p, int step);
/* Sets up p's course at `step`: modality (by share; with individual_only
 * a group pick is replaced by the first individual modality) and planned
 * sessions. */
void iapt_flow_course(state *st, int32_t p, int step, int individual_only);
/* Puts p, course set up and `joined` set, on the group or treatment list,
 * or straight onto a free caseload place. */
void iapt_flow_wait_for_place(state *st, int32_t p);
/* Starts p's drop-out-while-waiting clock for a wait that began at
 * wait_start, conditional on p still waiting now. */
void iapt_flow_start_wait(state *st, int32_t p, double wait_start);
/* p, part-way through a course and holding no clinician (theirs left, or
 * none had a place for a day-one caseload), waits for reallocation from
 * now: on the (team, step) reallocation list, offered free places before
 * anyone waiting for a first session (oldest wait first), with a drop-out
 * clock at the service's waiting hazard from now (its own stream, one draw
 * per call); a free place now takes them at once. */
void iapt_flow_await_reallocation(state *st, int32_t p);

/* Membership k has a free caseload place: give it to the longest-waiting
 * eligible person (if k still holds people beyond its places, the place
 * freed is the clinician's other memberships'). */
void iapt_flow_offer_place(state *st, int32_t k);
/* Clinician c's day d has fewer free minutes than booked: move bookings. */
void iapt_flow_move_overbooked(state *st, int32_t c, int32_t d);
/* Site s's rooms on day d hold fewer free minutes than booked (rooms
 * withdrawn): move face-to-face bookings there to later days, in person
 * order, until they fit (group sessions stay). O(people): a scan of the
 * person records (models/rooms.h). */
void iapt_flow_move_room_overbooked(state *st, int32_t s, int32_t d);
/* Clinician c (already inactive) leaves: their assessments go back to the
 * list, people booked for a first session back to the treatment lists at
 * their original places, people part-way through a course wait for
 * reallocation (iapt_flow_await_reallocation). */
void iapt_flow_release_clinician(state *st, int32_t c);

/* A missed appointment of p: counted (DNAs), and towards discharge under
 * the service's rule. Returns whether p is to be discharged now. An
 * attended session (iapt_flow_attended) resets the count when only
 * consecutive misses count; each stage (assessment, a course) starts at 0. */
int iapt_flow_missed(state *st, int32_t p);

/* How a course ended (END_NONE: it goes on). END_ONE_SESSION: discharged
 * after the referral's first treatment session, not as a drop-out.
 * END_DROPOUT_REALLOC: dropped out while waiting for reallocation to a new
 * clinician part-way through the course. */
enum { END_NONE = -1, END_COMPLETED, END_DROPOUT, END_DNA, END_ONE_SESSION, END_DROPOUT_REALLOC };

/* After p attended a session: how the course ends now, or END_NONE. `done`:
 * the planned sessions are held or the course is at its longest. Otherwise
 * p may drop out (dropout_first_to_second after the course's first session,
 * dropout_per_session later) or, after the referral's first session, be
 * discharged (discharged_after_first). Draws are fixed per call: one from
 * the drop-out stream, and one more after the referral's first session. */
int iapt_flow_after_session(state *st, int32_t p, int done);

/* Bookkeeping of an attended treatment session of p (c: the clinician whose
 * delivered time it is, or IAPT_NONE when the caller accounts it). */
void iapt_flow_attended(state *st, int32_t p, int32_t c, double minutes);
/* Ends p's current course: releases any place, draws the outcome, steps up
 * or discharges. clin_caps: capabilities of the treating clinician. */
void iapt_flow_end_course(state *st, int32_t p, int how, uint8_t clin_caps);

/* Minutes of an appointment for p: an assessment, or a (first) session. */
int32_t iapt_flow_minutes(const state *st, const person *ps, int assessment, int first);
/* Books the next appointment for p with clinician c at or after time t
 * (the appointment is at t if its day has room, else at the start of the
 * first day with room). */
void iapt_flow_book(state *st, int32_t p, int32_t c, double t, int32_t minutes);
/* p, taken off its site's room waiting list by the caller, books again
 * from the first day it wanted (or today) with its clinician; it waits
 * again if there is still no day with a room. */
void iapt_flow_room_retry(state *st, int32_t p);

#endif
