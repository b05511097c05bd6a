/*
 * tests/test_docs.c: docs/scenario.md, the scenario key reference in the
 * repository, is exactly what `iaptsim schema` prints from the loader's
 * tables, so it cannot go stale: a changed key, default, bound or doc line
 * fails here until the file is regenerated.
 */
#include <criterion/criterion.h>

#include "app/cli.h"
#include "conf_fixture.h"

TestSuite(docs, .init = fix_chdir_root);

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s is missing: run build/test/iaptsim schema > %s", path, path);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, m);
    fclose(f);
    fclose(m);
    return buf;
}

Test(docs, scenario_reference_is_current)
{
    char *want = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&want, &len);
    cr_assert_eq(iapt_schema_markdown(m), 0);
    fclose(m);
    char *have = slurp("docs/scenario.md");
    if (strcmp(have, want) != 0) {
        size_t line = 1, i = 0;
        while (have[i] && have[i] == want[i])
            line += have[i++] == '\n';
        cr_assert_fail("docs/scenario.md differs from `iaptsim schema` from line %zu on: run "
                       "build/test/iaptsim schema > docs/scenario.md",
                       line);
    }
    cr_assert(strstr(have, "at most 1 MiB"), "the size limit is documented");
    free(have);
    free(want);
}
