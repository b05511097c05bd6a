/*
 * models/start.h: the service on day one. A run starts from today's
 * service, not from empty: the scenario's existing waiting list (by pathway
 * and stage, with how long each person has already waited) and the people
 * already in treatment (with sessions already attended) are placed before
 * the first event. Waiting people keep their place by referral date and
 * their drop-out clock continues from their wait so far.
 */
#ifndef IAPT_START_H
#define IAPT_START_H

#include "models/state.h"

/* Places the starting waiting list and caseload. 0, or -1 on OOM. */
int iapt_start_place(state *st);

#endif
