/*
 * models/demand.h: referral sources that refer less while waits are long
 * (a pathway's `wait_response`, domain brief s.5.1).
 *
 * At the start of each day (EV_DAY, before any referral of the day) the
 * pathway's current wait is measured from what the service knows then,
 * over the last `window` days (days before today): the mean wait to first
 * treatment of the people who entered treatment (recent_wait), or the
 * waiting list divided by the rate of course starts (waiting_list). The
 * day's factor for each responding source is max(floor, 1 - fall x (wait -
 * from) / per) above `from`, else 1; before a full window has run it is 1.
 *
 * Referrals are cut by thinning: a responding source's arrival stream is
 * drawn exactly as without the response, and each referral it brings is
 * kept if a uniform draw from the source's own stream
 * ("wait_response/PATHWAY/SOURCE", one draw per referral, kept or not) is
 * below the day's factor. The referrals kept are a Poisson stream at the
 * rate times the factor; those not made are counted (`referrals_lost`) and
 * never become person records. No other stream sees a draw, so scenarios
 * with and without the response share their random numbers.
 *
 * Cost: O(1) per referral and per first session; O(window) per responding
 * source per day. Without responses nothing is allocated and every call
 * returns at once.
 */
#ifndef IAPT_DEMAND_H
#define IAPT_DEMAND_H

#include "models/state.h"

/* The factor on a source's referral rate at a current wait of `wait` days
 * (NAN: not known, factor 1): max(floor, 1 - fall x (wait - from) / per)
 * for wait > from, else 1. An infinite wait gives the floor (or 1 when
 * fall is 0). */
double iapt_demand_factor(const iapt_wait_response_cfg *w, double wait);

/* The current wait in days by measure `measure` (iapt_wait_measure) from a
 * window of `days` days: `entered` people entered treatment in it, waiting
 * `wait_sum` days in all; `starts` courses started in it; `waiting` people
 * wait now. recent_wait: wait_sum / entered, or `previous` when nobody
 * entered. waiting_list: waiting x days / starts; with no starts, 0 if
 * nobody waits, else INFINITY. */
double iapt_demand_wait(int measure, double days, double entered, double wait_sum, double starts, double waiting,
                        double previous);

/* Sets up the responses of the scenario's sources for one replication:
 * each responding arrival stream's stream under (seed, rep). st->dm stays
 * NULL when no source responds. 0, or -1 on OOM (iapt_demand_free frees
 * what was made). */
int iapt_demand_init(state *st, uint64_t seed, uint64_t rep);
void iapt_demand_free(state *st);

/* EV_DAY, day st->today: starts the day's history and sets each
 * responding source's factor for the day. */
void iapt_demand_day(state *st);

/* A referral of arrival stream a arrives: 1 if it is made, 0 if the
 * source's response cuts it (counted as lost). One draw from the source's
 * response stream if it has one, none otherwise. */
int iapt_demand_keep(state *st, int32_t a);

/* History: a person of pathway pw entered treatment today after waiting
 * `wait` days; a course of pathway pw had its first session today. */
void iapt_demand_entered(state *st, int pw, long wait);
void iapt_demand_course_started(state *st, int pw);

#endif
