/*
 * models/supervision.h: supervision of trainees by qualified staff.
 *
 * Each trainee needs their programme's hours of supervision a week, from
 * qualified staff of that programme's supervising grades in the trainee's
 * own team(s). Supervision is given only on the days a supervisor works
 * (models/staff.h iapt_staff_works: not on leave or sick, not away on a
 * course), so in a month a qualified clinician of a supervising grade can
 * give their grade's supervision capacity (at most their own clinical
 * hours) x WTE x team share, times the share of the month's clinic days
 * they work; on each of those days the hours a week they give, spread over
 * the days they work, leave their diary. So what they give in a month is
 * the clinic time they lose (to the minute a diary holds), and a month of
 * leave or courses is a month of less supervision for their trainees
 * (recomputed at each month start and when staff come and go). Where grades
 * supervise several programmes, cover (the share of a programme's required
 * hours given) is made as equal as the grades allow (max-min fair), and no
 * hour that could be given is left short. A programme's trainees' caseload
 * factor is the programme's factor times its cover in their team (kept as
 * the trainee's `cover`, which also paces their training towards
 * qualifying: models/workforce.c); the hours each grade gives (a maximum
 * flow from programmes to grades) are taken out of its supervisors' clinic
 * time in proportion to their capacity.
 *
 * Cost per update: O(1) with no trainee in post and nobody supervising;
 * else O(clinicians x teams) (plus O(days in the month) per supervisor the
 * first time in a month) plus, per team, O(P 2^P x grades)
 * for the cover and O(n^3) or so for the flow, n = programmes + grades.
 */
#ifndef IAPT_SUPERVISION_H
#define IAPT_SUPERVISION_H

#include "models/state.h"

/* Training programmes a scenario may have (cover is found over subsets). */
#define IAPT_MAX_PROGRAMMES 16

/* Allocates the supervision totals. 0, or -1 on OOM. */
int iapt_supervision_init(state *st);
void iapt_supervision_free(state *st);

/* Recomputes requirement, capacity and cover after trainees or supervisors
 * came, went or changed; sets each supervisor's supervising minutes (diary
 * refreshed) and each trainee's caseload factor (places recomputed and
 * offered). `trainees` is the number of trainees in post: with none, and
 * nobody left supervising since the last update, there is nothing to share
 * and nothing is walked (the capacity reported is summed when recorded). */
void iapt_supervision_update(state *st, int32_t trainees);

/* Month end: records supervision required and short (by the trainees'
 * grade), available and given (by the supervisors' grade), by team and
 * grade, grade, team, programme and for the service. */
void iapt_supervision_record(state *st);

#endif
