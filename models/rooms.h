/*
 * models/rooms.h: clinic rooms at co-location sites, and their diaries.
 *
 * A site (a GP practice, a hospital clinic, a community base) has a number
 * of rooms on its open weekdays, each open for `hours`; the number changes
 * by date (rooms secured from a date, withdrawn later). A room diary, like
 * a clinician's, holds for each of the next IAPT_DIARY_DAYS days the room
 * minutes available (rooms x hours on an open day, 0 otherwise) and still
 * free. The service learns of a change in rooms `notice` days before it
 * happens: until then later days are booked as if the rooms of the last day
 * it knows about carry on. When it learns of a change, the days after are
 * recomputed, and face-to-face appointments beyond the rooms left move to
 * later days (group sessions keep their room: the site is then overbooked,
 * which shows as utilisation over 100%).
 *
 * Who needs a room: a person's site is drawn at referral from their
 * pathway's shares (pathways naming no site never need one); whether the
 * assessment is face to face is drawn then, and whether a course is, when
 * it is set up (per course, not per appointment: a person is seen at the
 * site or remotely throughout). A face-to-face appointment takes the room
 * for its diary minutes (session plus admin: notes are written in the
 * room, an ASSUMPTION) on its day; a group takes the room at the site of
 * the person who waited longest for it, for each session. When no day in
 * the diary window has both the clinician's time and a room, the person
 * waits on the site's room list (first come, first served), tried again
 * each morning, when a new day opens and changes in rooms are learnt.
 *
 * Cost: O(sites) a day to roll the room diaries, and O(window) for each
 * face-to-face booking attempt, which includes every person on a room
 * waiting list every morning (O(waiters x window) a day). A change in
 * rooms learnt costs O(window) days recomputed; when rooms fall, each day
 * left with more booked than available scans the person records for that
 * day's bookings at the site (O(people) a day overbooked, stopping once
 * the day fits). Withdrawals are rare, so no per-site list of bookings is
 * kept (it would add two links to every person record). The month-end
 * record scans the person records for the people held up (O(people)). A
 * scenario without sites allocates nothing and draws nothing.
 */
#ifndef IAPT_ROOMS_H
#define IAPT_ROOMS_H

#include "models/state.h"

/* Creates the room diaries of every site, opened from day 0 (nothing for a
 * scenario without sites). 0, or -1 on OOM. */
int iapt_rooms_init(state *st);
void iapt_rooms_free(state *st);

/* Draws p's site (from its pathway's shares, on the "site" stream) and
 * whether its assessment is face to face (on the "face_to_face" stream).
 * Two draws for every referral of a pathway naming sites, none otherwise. */
void iapt_rooms_referral(state *st, int32_t p);
/* Draws whether p's course (modality set) is face to face: one draw on the
 * "face_to_face" stream for a person with a site, none otherwise. */
void iapt_rooms_course(state *st, int32_t p);
/* Whether p's appointments at the current stage need a room. */
static inline int iapt_rooms_needed(const person *ps) { return ps->site >= 0 && (ps->flags & PF_F2F); }

/* Room minutes free at site s on day d (within the diary window). */
int32_t iapt_rooms_free_on(const state *st, int32_t s, int32_t d);
/* The first day in [from, to] (clipped to the window) on which clinician
 * c has `minutes` free and site s has a room open with `minutes` free, or
 * IAPT_NONE. */
int32_t iapt_rooms_find(const state *st, int32_t c, int32_t s, int32_t from, int32_t to, int32_t minutes);
/* As iapt_rooms_find, for a clinician whose diary is full: the first day
 * from `from` on which c works and the room has `minutes` free. */
int32_t iapt_rooms_find_overbooked(const state *st, int32_t c, int32_t s, int32_t from, int32_t minutes);
/* Whether site s has `minutes` of room free on each of the n days d, d +
 * every, ... that fall within the window (a group's sessions). */
int iapt_rooms_fit_series(const state *st, int32_t s, int32_t d, int32_t n, int32_t every, int32_t minutes);
void iapt_rooms_take(state *st, int32_t s, int32_t d, int32_t minutes);
/* p (PF_ROOM_WAIT set) joins the end of its site's room waiting list;
 * unwait takes it off. O(1). */
void iapt_rooms_wait(state *st, int32_t p);
void iapt_rooms_unwait(state *st, int32_t p);
void iapt_rooms_give(state *st, int32_t s, int32_t d, int32_t minutes);

/* Day start (after the clinicians' diaries roll): accounts the day that
 * ended and opens the new last day of every room diary. */
void iapt_rooms_roll(state *st);
/* Day start, after running groups have booked the new day
 * (models/groups.h): learns of changes in rooms now `notice` away (moving
 * appointments beyond the rooms left) and tries to book everyone on the
 * room waiting lists, in order. */
void iapt_rooms_learn(state *st);

/* n appointments held or missed: in a room at site s, or needing no room
 * (s == IAPT_NONE). Nothing is recorded in a scenario without sites. */
void iapt_rooms_count(state *st, int32_t s, double n);
/* p's booking found a clinician with time on `day` but no room at its
 * site: marks it delayed (PF_ROOM_DELAYED), keeping the first such day. */
static inline void iapt_rooms_hold_up(person *ps, int32_t day)
{
    if (!(ps->flags & PF_ROOM_DELAYED)) {
        ps->flags |= PF_ROOM_DELAYED;
        ps->room_free_day = day;
    }
}
/* p's delayed booking (PF_ROOM_DELAYED) is placed on `day` at site s:
 * counted once, with the days from the first day a clinician had time
 * (0 if a room came free before it); the mark is cleared. */
void iapt_rooms_delayed(state *st, int32_t p, int32_t s, int32_t day);

/* Month end: hours available and booked, utilisation and cost, the mean
 * delay of the month's delayed bookings and the people held up for want
 * of a room (on the room list, or marked delayed and not yet booked: for
 * a group's first in line, the group it would start), by site; then the
 * month's accumulators start again. O(person records). */
void iapt_rooms_record(state *st);

#endif
