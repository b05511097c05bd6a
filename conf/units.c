/*
 * conf/units.c: parsing and printing quantities with units (conf/units.h).
 *
 * A quantity is scanned into parts (sign and digits of the number, the £
 * sign, a unit word, a "per" time) by a hand-written scanner, then each
 * conf_unit decides which parts it accepts and converts with one
 * multiplication or division. Percentages are read by shifting the decimal
 * exponent of the text ("12.5%" is read as "12.5e-2"), and printed the same
 * way from the shortest round-trip digits, so every finite value prints and
 * reads back exactly. Printing always uses the stored unit, so the other
 * units never need an exact inverse. Everything here is pure and O(length).
 */
#include "conf/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/text.h"
#include "conf/internal.h"
#include "sim/calendar.h"

/* Numbers longer than this are refused (the shortest round-trip text of a
 * double is at most 24 characters). */
#define NUM_MAX_TEXT 96

typedef enum uword {
    W_NONE,
    W_PCT,
    W_MIN,
    W_HOUR,
    W_DAY,
    W_WEEK,
    W_MONTH,
    W_YEAR,
    W_WTE,
    W_GBP
} uword;

typedef struct qty {
    char num[NUM_MAX_TEXT + 8]; /* the number without commas */
    int pound;                   /* written with a leading £ */
    uword unit;
    uword per;                   /* W_NONE or W_HOUR..W_YEAR */
} qty;

static const struct {
    const char *word;
    uword w;
} words[] = {
    {"min", W_MIN},     {"mins", W_MIN},   {"minute", W_MIN},  {"minutes", W_MIN}, {"h", W_HOUR},
    {"hour", W_HOUR},   {"hours", W_HOUR}, {"day", W_DAY},     {"days", W_DAY},    {"week", W_WEEK},
    {"weeks", W_WEEK},  {"month", W_MONTH}, {"months", W_MONTH}, {"year", W_YEAR}, {"years", W_YEAR},
    {"wte", W_WTE},     {"gbp", W_GBP},
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Scans digits with optional thousands commas ("1,200"); returns the end. */
static const char *scan_int_part(const char *s, char *out, size_t *o, int *ok)
{
    size_t group = 0;
    int commas = 0;
    const char *p = s;
    while (is_digit(*p) || (*p == ',' && is_digit(p[1]))) {
        if (*p == ',') {
            if (group == 0 || (commas ? group != 3 : group > 3))
                *ok = 0;
            commas = 1;
            group = 0;
        } else {
            if (*o < NUM_MAX_TEXT)
                out[(*o)++] = *p;
            else
                *ok = 0;
            group++;
        }
        p++;
    }
    if (commas && group != 3)
        *ok = 0;
    return p;
}

static const char *scan_digits(const char *p, char *out, size_t *o, int *ok)
{
    while (is_digit(*p)) {
        if (*o < NUM_MAX_TEXT)
            out[(*o)++] = *p;
        else
            *ok = 0;
        p++;
    }
    return p;
}

/* Scans [+-] digits [. digits] [e [+-] digits] into q->num. Returns the end,
 * or NULL if there is no well-formed number at s. */
static const char *scan_number(const char *s, qty *q)
{
    size_t o = 0;
    int ok = 1;
    const char *p = s;
    if (*p == '+' || *p == '-')
        q->num[o++] = *p++;
    const char *d0 = p;
    p = scan_int_part(p, q->num, &o, &ok);
    int int_digits = p != d0;
    int frac_digits = 0;
    if (*p == '.' && is_digit(p[1])) {
        q->num[o++] = *p++;
        const char *f0 = p;
        p = scan_digits(p, q->num, &o, &ok);
        frac_digits = p != f0;
    }
    if (!int_digits && !frac_digits)
        return NULL;
    if ((*p == 'e' || *p == 'E') &&
        (is_digit(p[1]) || ((p[1] == '+' || p[1] == '-') && is_digit(p[2])))) {
        if (o < NUM_MAX_TEXT)
            q->num[o++] = 'e';
        p++;
        if ((*p == '+' || *p == '-') && o < NUM_MAX_TEXT)
            q->num[o++] = *p++;
        p = scan_digits(p, q->num, &o, &ok);
    }
    q->num[o] = '\0';
    return ok ? p : NULL;
}

/* Reads a unit word (or %) at s. Returns the end, W_NONE in *w if none. */
static const char *scan_word(const char *s, uword *w, int *bad)
{
    *w = W_NONE;
    if (*s == '%') {
        *w = W_PCT;
        return s + 1;
    }
    size_t n = 0;
    while (is_alpha(s[n]))
        n++;
    if (!n)
        return s;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strlen(words[i].word) == n) {
            size_t k = 0;
            while (k < n && (s[k] | 0x20) == words[i].word[k])
                k++;
            if (k == n) {
                *w = words[i].w;
                return s + n;
            }
        }
    }
    *bad = 1;
    return s;
}

static int word_is(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != word[i])
            return 0;
    return 1;
}

/* Reads ("per" | "/") time-word. Returns the end; *per = W_NONE if absent. */
static const char *scan_per(const char *s, uword *per, int *bad)
{
    *per = W_NONE;
    size_t n = 0;
    while (is_alpha(s[n]))
        n++;
    if (*s == '/')
        s = skip_space(s + 1);
    else if (n == 3 && word_is(s, 3, "per") && (s[3] == ' ' || s[3] == '\t'))
        s = skip_space(s + 3);
    else
        return s;
    uword w;
    const char *e = scan_word(s, &w, bad);
    if (w < W_HOUR || w > W_YEAR) {
        *bad = 1;
        return s;
    }
    *per = w;
    return e;
}

/* Splits text into a qty. Returns 0, or -1 if it is not a quantity at all. */
static int scan_qty(const char *text, qty *q)
{
    memset(q, 0, sizeof *q);
    const char *p = skip_space(text);
    char sign = 0;
    if ((*p == '-' || *p == '+') && (unsigned char)p[1] == 0xC2 && (unsigned char)p[2] == 0xA3) {
        sign = *p;
        p++;
    }
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA3) {
        q->pound = 1;
        p += 2;
    }
    const char *e = scan_number(p, q);
    if (!e)
        return -1;
    if (sign) {
        if (q->num[0] == '-' || q->num[0] == '+')
            return -1;
        memmove(q->num + 1, q->num, strlen(q->num) + 1);
        q->num[0] = sign;
    }
    int bad = 0;
    p = skip_space(e);
    if (!word_is(p, 3, "per") || is_alpha(p[3])) {
        p = scan_word(p, &q->unit, &bad);
        p = skip_space(p);
    }
    p = scan_per(p, &q->per, &bad);
    p = skip_space(p);
    return bad || *p ? -1 : 0;
}

/* strtod of q->num with the decimal exponent moved by shift. Returns 0, or
 * -1 if the result is not finite. */
static int qty_number(const qty *q, int shift, double *out)
{
    char buf[NUM_MAX_TEXT + 32];
    const char *e = strpbrk(q->num, "eE");
    long exp = 0;
    size_t mlen = e ? (size_t)(e - q->num) : strlen(q->num);
    if (e) {
        errno = 0;
        char *end;
        exp = strtol(e + 1, &end, 10);
        if (*end || errno == ERANGE || exp > 100000 || exp < -100000)
            exp = exp < 0 ? -100000 : 100000;
    }
    snprintf(buf, sizeof buf, "%.*se%ld", (int)mlen, q->num, exp + shift);
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static double minutes_per(uword w)
{
    switch (w) {
    case W_MIN: return 1;
    case W_HOUR: return 60;
    case W_DAY: return 1440;
    case W_WEEK: return 10080;
    case W_MONTH: return 1440 * SIM_DAYS_PER_MONTH;
    case W_YEAR: return 1440 * SIM_DAYS_PER_YEAR;
    default: return NAN;
    }
}

static double days_per(uword w)
{
    switch (w) {
    case W_DAY: return 1;
    case W_WEEK: return 7;
    case W_MONTH: return SIM_DAYS_PER_MONTH;
    case W_YEAR: return SIM_DAYS_PER_YEAR;
    default: return NAN;
    }
}

static int is_duration(uword w) { return w >= W_MIN && w <= W_YEAR; }

/* A duration in days: one exact-factor operation per unit. */
static double to_days(double v, uword w)
{
    switch (w) {
    case W_MIN: return v / 1440;
    case W_HOUR: return v / 24;
    default: return v * days_per(w);
    }
}

static double to_minutes(double v, uword w) { return w == W_MIN ? v : v * minutes_per(w); }

/* The per-time rate v per `per` expressed per `target` (both day..year). */
static double rerate(double v, uword per, uword target)
{
    if (per == target)
        return v;
    return v * days_per(target) / days_per(per);
}

const char *conf__unit_expect(conf_unit u)
{
    switch (u) {
    case CONF_U_NONE: return "a number";
    case CONF_U_FRACTION: return "a share such as 12%";
    case CONF_U_DAYS:
    case CONF_U_WEEKS:
    case CONF_U_MINUTES: return "a duration such as 6 weeks or 45 min";
    case CONF_U_PER_MONTH: return "a rate such as 1200 per month or 300 per week";
    case CONF_U_FRACTION_PER_YEAR: return "a yearly rate such as 3% per year";
    case CONF_U_HOURS_PER_WEEK: return "hours per week such as 22 hours per week";
    case CONF_U_WTE: return "whole-time equivalents such as 0.8 wte or 0.8";
    case CONF_U_GBP: return "an amount in pounds such as £650";
    case CONF_U_GBP_PER_YEAR: return "an amount per year such as £35,000 per year or £2,900 per month";
    case CONF_U_GBP_PER_HOUR: return "an amount per hour such as £25 per hour";
    case CONF_U_NUNITS: break;
    }
    return "a quantity";
}

const char *conf__unit_noun(conf_unit u)
{
    switch (u) {
    case CONF_U_FRACTION: return "a share";
    case CONF_U_DAYS:
    case CONF_U_WEEKS:
    case CONF_U_MINUTES: return "a duration";
    case CONF_U_PER_MONTH: return "a rate";
    case CONF_U_FRACTION_PER_YEAR: return "a yearly rate";
    case CONF_U_HOURS_PER_WEEK: return "hours per week";
    case CONF_U_WTE: return "whole-time equivalents";
    case CONF_U_GBP: return "an amount";
    case CONF_U_GBP_PER_YEAR: return "an amount per year";
    case CONF_U_GBP_PER_HOUR: return "an amount per hour";
    default: return "a number";
    }
}

const char *conf_unit_describe(conf_unit u)
{
    switch (u) {
    case CONF_U_NONE: return "a number, e.g. 1.5";
    case CONF_U_FRACTION: return "a share, e.g. 12% (the % sign is required: is 1 100% or 1%?)";
    case CONF_U_DAYS: return "a duration, e.g. 6 weeks or 45 min (printed in days)";
    case CONF_U_WEEKS: return "a duration, e.g. 6 weeks or 10 days (printed in weeks when whole)";
    case CONF_U_MINUTES: return "a duration, e.g. 45 min or 1.5 hours (printed in minutes)";
    case CONF_U_PER_MONTH: return "a rate, e.g. 1200 per month or 300 per week";
    case CONF_U_FRACTION_PER_YEAR: return "a yearly rate, e.g. 3% per year (the % sign is required)";
    case CONF_U_HOURS_PER_WEEK: return "hours per week, e.g. 22 hours per week";
    case CONF_U_WTE: return "whole-time equivalents, e.g. 0.8 wte (or 0.8)";
    case CONF_U_GBP: return "an amount in pounds, e.g. £650 (or 650, or 650 gbp)";
    case CONF_U_GBP_PER_YEAR:
        return "an amount per year, e.g. £35,000 per year, £2,900 per month (12 a year) or £700 per week (365.25 / 7 "
               "a year); not per day (per working day or per calendar day?)";
    case CONF_U_GBP_PER_HOUR: return "an amount per hour, e.g. £25 per hour";
    case CONF_U_NUNITS: break;
    }
    return "a quantity";
}

static void format_percent(double v, char *out, size_t len);

/* A share: a number with a % sign. A plain number is refused (is 1 100% or
 * 1%?) with a hint in `hint`: "75%" for 75 or 0.75, "100% or 1%" for 1;
 * `per` is appended to each choice (" per year"). */
static int share_value(const qty *q, double *out, char *hint, size_t hlen, const char *per)
{
    if (q->unit == W_PCT)
        return qty_number(q, -2, out);
    double v;
    if (q->unit != W_NONE || qty_number(q, 0, &v))
        return -1;
    char n[48];
    if (fabs(v) == 1) {
        snprintf(hint, hlen, "%s100%%%s or %s1%%%s", v < 0 ? "-" : "", per, v < 0 ? "-" : "", per);
    } else if (fabs(v) > 1) {
        snprintf(hint, hlen, "%s%%%s", q->num, per);
    } else {
        format_percent(v, n, sizeof n);
        snprintf(hint, hlen, "%s%%%s", n, per);
    }
    return -1;
}

static int amount_value(const qty *q, double *out)
{
    if ((q->pound && q->unit != W_NONE) || (q->unit != W_NONE && q->unit != W_GBP))
        return -1;
    return qty_number(q, 0, out);
}

/* Why an amount per year is not taken per day. */
#define DAY_RATE_NOTE                                                                                                 \
    " (a day rate is ambiguous, per working day or per calendar day: give the amount per year, month or week)"

/* Applies unit u to a scanned quantity. 0 and *out, or -1 (with a hint
 * in `hint`: the % sign forgotten, "75%", or a note that starts with a
 * space; or ""). */
static int interpret(conf_unit u, const qty *q, double *out, char *hint, size_t hlen)
{
    double v;
    int money = u == CONF_U_GBP || u == CONF_U_GBP_PER_YEAR || u == CONF_U_GBP_PER_HOUR;
    if (q->pound && !money)
        return -1;
    switch (u) {
    case CONF_U_NONE:
        return q->unit != W_NONE || q->per != W_NONE ? -1 : qty_number(q, 0, out);
    case CONF_U_FRACTION: return q->per != W_NONE ? -1 : share_value(q, out, hint, hlen, "");
    case CONF_U_DAYS:
    case CONF_U_WEEKS:
    case CONF_U_MINUTES:
        if (!is_duration(q->unit) || q->per != W_NONE || qty_number(q, 0, &v))
            return -1;
        *out = u == CONF_U_MINUTES ? to_minutes(v, q->unit) : to_days(v, q->unit);
        break;
    case CONF_U_PER_MONTH:
        if (q->unit != W_NONE || q->per == W_NONE || q->per == W_HOUR || qty_number(q, 0, &v))
            return -1;
        *out = rerate(v, q->per, W_MONTH);
        break;
    case CONF_U_FRACTION_PER_YEAR:
        if (q->per != W_YEAR)
            return -1;
        return share_value(q, out, hint, hlen, " per year");
    case CONF_U_HOURS_PER_WEEK:
        if (!is_duration(q->unit) || q->per != W_WEEK || qty_number(q, 0, &v))
            return -1;
        *out = q->unit == W_HOUR ? v : to_minutes(v, q->unit) / 60;
        break;
    case CONF_U_WTE:
        if ((q->unit != W_NONE && q->unit != W_WTE) || q->per != W_NONE)
            return -1;
        return qty_number(q, 0, out);
    case CONF_U_GBP:
        return q->per != W_NONE ? -1 : amount_value(q, out);
    case CONF_U_GBP_PER_YEAR:
        if (q->per == W_DAY)
            snprintf(hint, hlen, "%s", DAY_RATE_NOTE);
        if (q->per == W_NONE || q->per == W_HOUR || q->per == W_DAY || amount_value(q, &v))
            return -1;
        *out = rerate(v, q->per, W_YEAR);
        break;
    case CONF_U_GBP_PER_HOUR:
        return q->per != W_HOUR ? -1 : amount_value(q, out);
    case CONF_U_NUNITS: return -1;
    }
    return isfinite(*out) ? 0 : -1;
}

int conf_unit_parse(conf_unit u, const char *text, double *out, char *err, size_t errlen)
{
    qty q;
    char hint[160] = "";
    double v = 0;
    int scanned = (unsigned)u < CONF_U_NUNITS && scan_qty(text, &q) == 0;
    if (scanned && interpret(u, &q, &v, hint, sizeof hint) == 0) {
        *out = v + 0.0; /* no negative zero */
        return 0;
    }
    int huge = scanned && qty_number(&q, 0, &v) != 0;
    conf__buf b;
    conf__buf_init(&b);
    conf__buf_printf(&b, "expected %s, got \"", conf__unit_expect(u));
    conf__buf_escape(&b, text, strlen(text), 80);
    conf__buf_puts(&b, huge ? "\" (the number is too large)" : "\"");
    if (hint[0] == ' ') {
        conf__buf_puts(&b, hint);
    } else if (hint[0]) {
        conf__buf_puts(&b, " (the % sign is required: did you mean ");
        conf__buf_escape(&b, hint, strlen(hint), 80);
        conf__buf_puts(&b, "?)");
    }
    if (errlen)
        snprintf(err, errlen, "%s", b.oom ? "expected a quantity" : conf__buf_str(&b));
    conf__buf_free(&b);
    return huge ? -2 : -1;
}

static int same_double(double a, double b) { return a == b && signbit(a) == signbit(b); }

/* Shortest decimal digits of finite v: v = (neg ? -1 : 1) * d.ddd x 10^*exp10
 * with the digits (no dot, no trailing zeros) in digits[]. */
static void shortest_digits(double v, int *neg, char digits[20], long *exp10)
{
    char tmp[40];
    for (int p = 0; p <= 16; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p, v);
        if (same_double(strtod(tmp, NULL), v))
            break;
    }
    const char *t = tmp;
    *neg = *t == '-';
    if (*neg)
        t++;
    size_t nd = 0;
    for (; *t && *t != 'e'; t++)
        if (*t != '.' && nd < 19)
            digits[nd++] = *t;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    *exp10 = *t == 'e' ? strtol(t + 1, NULL, 10) : 0;
}

/* Writes digits x 10^x as plain decimal text when -5 <= x < 17, else in
 * exponent form like %g ("1e+21"). */
static void render_decimal(int neg, const char *digits, long x, char *out, size_t len)
{
    conf__buf b;
    conf__buf_init(&b);
    long nd = (long)strlen(digits);
    if (neg)
        conf__buf_puts(&b, "-");
    if (strcmp(digits, "0") == 0) {
        conf__buf_puts(&b, "0");
    } else if (x >= 17 || x < -5) {
        conf__buf_printf(&b, "%c%s%se%c%02ld", digits[0], nd > 1 ? "." : "", digits + 1, x < 0 ? '-' : '+',
                         x < 0 ? -x : x);
    } else if (x < 0) {
        conf__buf_puts(&b, "0.");
        for (long i = 0; i < -x - 1; i++)
            conf__buf_puts(&b, "0");
        conf__buf_puts(&b, digits);
    } else {
        for (long i = 0; i <= x; i++)
            conf__buf_add(&b, i < nd ? digits + i : "0", 1);
        if (nd > x + 1) {
            conf__buf_puts(&b, ".");
            conf__buf_puts(&b, digits + x + 1);
        }
    }
    snprintf(out, len, "%s", b.oom ? "0" : conf__buf_str(&b));
    conf__buf_free(&b);
}

char *conf_format_double(double v, char *buf, size_t len)
{
    v += 0.0; /* -0 prints as 0 */
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return buf;
    }
    int neg;
    char digits[20];
    long x;
    shortest_digits(v, &neg, digits, &x);
    render_decimal(neg, digits, x, buf, len);
    return buf;
}

/* Writes 100*v as the decimal digits of v with the exponent moved by 2, so
 * reading it back with a -2 shift gives exactly v. */
static void format_percent(double v, char *out, size_t len)
{
    v += 0.0;
    if (!isfinite(v)) {
        conf_format_double(v, out, len);
        return;
    }
    int neg;
    char digits[20];
    long x;
    shortest_digits(v, &neg, digits, &x);
    render_decimal(neg, digits, x + 2, out, len);
}

static char *format_weeks(double v, char *buf, size_t len)
{
    char n[40], t[64];
    double w = v / 7;
    if (isfinite(w) && w == floor(w)) {
        conf_format_double(w, n, sizeof n);
        snprintf(t, sizeof t, "%s %s", n, w == 1 ? "week" : "weeks");
        double back;
        if (conf_unit_parse(CONF_U_WEEKS, t, &back, NULL, 0) == 0 && same_double(back, v)) {
            snprintf(buf, len, "%s", t);
            return buf;
        }
    }
    conf_format_double(v, n, sizeof n);
    snprintf(buf, len, "%s %s", n, v == 1 ? "day" : "days");
    return buf;
}

char *conf_unit_format(conf_unit u, double v, char *buf, size_t len)
{
    char n[48];
    if (u == CONF_U_FRACTION || u == CONF_U_FRACTION_PER_YEAR) {
        format_percent(v, n, sizeof n);
        snprintf(buf, len, "%s%%%s", n, u == CONF_U_FRACTION ? "" : " per year");
        return buf;
    }
    if (u == CONF_U_WEEKS)
        return format_weeks(v, buf, len);
    int money = u == CONF_U_GBP || u == CONF_U_GBP_PER_YEAR || u == CONF_U_GBP_PER_HOUR;
    conf_format_double(money ? fabs(v) : v, n, sizeof n);
    switch (u) {
    case CONF_U_DAYS: snprintf(buf, len, "%s %s", n, v == 1 ? "day" : "days"); break;
    case CONF_U_MINUTES: snprintf(buf, len, "%s min", n); break;
    case CONF_U_PER_MONTH: snprintf(buf, len, "%s per month", n); break;
    case CONF_U_HOURS_PER_WEEK: snprintf(buf, len, "%s %s per week", n, v == 1 ? "hour" : "hours"); break;
    case CONF_U_WTE: snprintf(buf, len, "%s wte", n); break;
    case CONF_U_GBP:
    case CONF_U_GBP_PER_YEAR:
    case CONF_U_GBP_PER_HOUR:
        snprintf(buf, len, "%s£%s%s", signbit(v) ? "-" : "", n,
                 u == CONF_U_GBP ? "" : u == CONF_U_GBP_PER_YEAR ? " per year" : " per hour");
        break;
    default: snprintf(buf, len, "%s", n); break;
    }
    return buf;
}
