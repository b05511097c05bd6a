/*
 * tests/test_fuzz_regress.c: replays every input in tests/fuzz/regress/
 * (inputs that once crashed, leaked or misbehaved under the fuzzer) through
 * conf_load_buffer and, when one loads, conf_emit. Passing means nothing
 * crashed; the sanitizer build turns leaks and undefined behaviour into
 * failures too.
 */
#include <criterion/criterion.h>
#include <dirent.h>

#include "conf_fixture.h"

TestSuite(fuzz_regress, .init = fix_chdir_root);

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

Test(fuzz_regress, replay_all)
{
    DIR *d = opendir("tests/fuzz/regress");
    if (!d)
        cr_skip_test("no regression inputs");
    FILE *null_out = fopen("/dev/null", "w");
    cr_assert_not_null(null_out);
    size_t count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "tests/fuzz/regress/%s", e->d_name);
        size_t len;
        char *buf = slurp(path, &len);
        conf_ctx *ctx = conf_ctx_create();
        bank b;
        if (conf_load_buffer(ctx, &bank_schema, e->d_name, buf, len, NULL, &b) == 0) {
            cr_assert_eq(conf_emit(null_out, &bank_schema, &b), 0);
            conf_free(&bank_schema, &b);
        } else {
            cr_assert_gt(conf_error_count(ctx), 0, "%s failed without a message", path);
        }
        conf_ctx_destroy(ctx);
        free(buf);
        count++;
    }
    closedir(d);
    fclose(null_out);
    cr_log_info("replayed %zu inputs", count);
}
