/* A small test harness: TEST(name) { ... } registers itself (no shared
 * list to edit), CHECK* macros report file:line and end the test. The
 * runner prints "N passed, N failed" as its last line. */
#ifndef TS_TEST_H
#define TS_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *fmt, ...);
extern bool test_failed;

#define TEST(name)                                                              \
    static void test_##name(void);                                              \
    __attribute__((constructor)) static void test_reg_##name(void)              \
    {                                                                           \
        test_register(#name, test_##name);                                      \
    }                                                                           \
    static void test_##name(void)

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                  \
            return;                                                             \
        }                                                                       \
    } while (0)

#define CHECK_INT(a, b)                                                         \
    do {                                                                        \
        long long a_ = (long long)(a), b_ = (long long)(b);                     \
        if (a_ != b_) {                                                         \
            test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, a_, #b, b_); \
            return;                                                             \
        }                                                                       \
    } while (0)

#define CHECK_STR(a, b)                                                         \
    do {                                                                        \
        const char *a_ = (a), *b_ = (b);                                        \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                     \
            test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a,   \
                      a_ ? a_ : "(null)", b_ ? b_ : "(null)");                  \
            return;                                                             \
        }                                                                       \
    } while (0)

/* Path of a fixture under tests/fixtures (the runner chdirs to the repo). */
#define FIXTURE(rel) ("tests/fixtures/" rel)

#endif
