/*
 * models/workforce.h: the workforce over time.
 *
 * Posts: each team has a funded establishment of qualified WTE per grade
 * (steps and ramps by date), part of which may be frozen, moved by
 * transfers and by cohorts that bring new posts. Whenever funded, unfrozen
 * WTE exceeds qualified WTE in post plus WTE being recruited plus WTE held
 * for trainees, recruitment starts in posts of the grade's post WTE; the
 * recruit starts after a lead time drawn from the grade's distribution, if
 * the post is still funded, unfrozen and vacant then (else the offer is
 * withdrawn, and counted). Qualified staff leave at the grade's turnover
 * hazard; their posts become vacancies.
 *
 * Trainees: a cohort starts at the first intake of its programme on or
 * after the date its places were approved (places arriving late join the
 * first intake on or after the day they arrive), in the
 * team that funds it, possibly seconded from qualified staff (whose posts
 * become vacant; they train at their own WTE); a cohort whose intake was
 * before the run is part-way through (or gone) on day one. While training
 * they are away on university weekdays, hold a reduced caseload, may be
 * barred from complex cases and from LTC cases needing top-up training
 * (their programme's rules), and need supervision (models/supervision.h);
 * a day counts towards qualifying in proportion to their supervision cover
 * below the programme's supervision_to_qualify, so a shortfall delays
 * qualifying (the qualification event moves whenever the cover changes).
 * Vacancies they will fill are held for them if their programme says so
 * (a frozen post they may not take, unless it is open by then).
 * Some leave during training; on qualifying some are not retained, the
 * rest take a new post (expansion), a backfill post (until the WTE moved by
 * every transfer the cohort backfills is made up; funding left over when
 * the cohort is done is recruited to) or a vacancy (a smaller one whole),
 * or leave for want of one. Qualifiers into a team whose recruits have the
 * LTC skill have it too; qualified, they turn over like anyone.
 *
 * Top-up courses train qualified staff with time in their teams (those
 * serving an LTC pathway, unless the course names others), most time there
 * first; they take them out of clinic on course days (working days of the
 * service) and give them the LTC skill at the end of the last. Transfers move WTE of a grade, and its
 * funding, from one team to another on a date; the people who move keep
 * the courses they hold in the old team to their end (models/staff.h).
 */
#ifndef IAPT_WORKFORCE_H
#define IAPT_WORKFORCE_H

#include "models/state.h"

/* Creates the starting staff and schedules every workforce event. 0, or -1
 * on OOM. */
int iapt_workforce_init(state *st);
void iapt_workforce_free(state *st);

/* Handles EV_LEAVE .. EV_SKILL. */
void iapt_workforce_event(state *st, const sim_ev *ev);

/* Whether clinician c is away from clinic on day d for training
 * (university day, top-up course day). */
int iapt_workforce_away(const state *st, int32_t c, int32_t d);

/* Daily accounting for clinician c on a day that ended, whose diary held
 * `open` clinic minutes: cost, clinic time, time lost to training, and
 * time given to supervision (on a day they worked, the minutes their diary
 * would have held without it less `open`). */
void iapt_workforce_account_day(state *st, int32_t c, int32_t d, int32_t open);

/* Month start: re-examines vacancies and supervision. */
void iapt_workforce_month_start(state *st);
/* Month end: records the workforce measures for the month, which had
 * days_in_month simulated days and `finished` finished courses. */
void iapt_workforce_record(state *st, double days_in_month, double finished);

/* Funded qualified WTE of (team, grade) at time t. */
double iapt_workforce_establishment(const state *st, int32_t team, int32_t grade, double t);

#endif
