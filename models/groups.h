/*
 * models/groups.h: group therapy (step 2 psycho-educational groups and the
 * like). People assigned to a group modality wait on a (team, step,
 * modality) list. A group starts when at least the minimum number wait and
 * the required number of facilitators of the step's grades have room on the
 * same day for every weekly session of the course (and, if it meets at a
 * co-location site, a room there: models/rooms.h); it takes up to the
 * maximum number of people. A group's length is its own: the modality's
 * planned sessions, drawn once per group (a pathway's course_factor does
 * not apply to groups, which mix people). Group sessions hold no caseload places; they
 * take facilitators' diary time (and the room), each session booked as its
 * day enters the diary window, so groups longer than the window are booked
 * in full; a facilitator not working that day, or without the session's
 * minutes free, is not booked for it and does not attend (never
 * double-booked). Each member can miss sessions, drop out between
 * sessions, or finish with the group.
 */
#ifndef IAPT_GROUPS_H
#define IAPT_GROUPS_H

#include "models/state.h"

/* p (step and modality set) waits for a group; one starts if it can. */
void iapt_groups_join(state *st, int32_t p);
/* p, first on its group list: the people the next group would start with
 * (the list, up to the modality's maximum). */
int32_t iapt_groups_first_group(const state *st, int32_t p);
/* Tries to start groups for every list with enough people (daily). */
void iapt_groups_try_all(state *st);
/* p leaves a group list or a group before attending (drop-out). */
void iapt_groups_remove(state *st, int32_t p);
/* EV_GROUP: a session of group g. */
void iapt_groups_session(state *st, int32_t g);
/* Day start, after the diaries and room diaries open their new last day
 * and before anything else is booked: books the sessions of running groups
 * whose day is now within the window. O(active groups). */
void iapt_groups_roll(state *st);
/* Facilitator c leaves: replaced where someone has room, else the group
 * carries on with the others (or, with none left, on cover time counted as
 * overbooked). */
void iapt_groups_facilitator_left(state *st, int32_t c);
/* Clinician c's day d holds fewer minutes than booked after individual
 * bookings were moved (their day was cut under a group session: a
 * university or top-up day, more supervision): c is unbooked from group
 * sessions that day until it fits, and does not attend them. O(groups). */
void iapt_groups_diary_short(state *st, int32_t c, int32_t d);

#endif
