/* Unit test runner: runs every registered test, or those whose name
 * contains argv[1]. */
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

typedef struct {
    const char *name;
    test_fn fn;
} test_case;

static test_case tests[1024];
static int ntests;
bool test_failed;

void test_register(const char *name, test_fn fn)
{
    if (ntests < (int)(sizeof tests / sizeof *tests))
        tests[ntests++] = (test_case){name, fn};
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    test_failed = true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const test_case *)a)->name, ((const test_case *)b)->name);
}

int main(int argc, char **argv)
{
    qsort(tests, (size_t)ntests, sizeof *tests, by_name);
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]))
            continue;
        test_failed = false;
        tests[i].fn();
        if (test_failed) {
            printf("FAIL %s\n", tests[i].name);
            failed++;
        } else {
            printf("ok   %s\n", tests[i].name);
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
