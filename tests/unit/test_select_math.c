/* Answer equivalence: extraction, normalization, comparison. */
#include "test.h"
#include "tuneset/select.h"

static const char *norm(const char *s)
{
    static char out[256];
    ts_math_normalize(s, strlen(s), out, sizeof out);
    return out;
}

static const char *answer(const char *s)
{
    static char out[256];
    const char *a;
    size_t n;
    if (!ts_math_answer(s, strlen(s), &a, &n))
        return "(none)";
    memcpy(out, a, n);
    out[n] = 0;
    return out;
}

static bool eq(const char *a, const char *b) { return ts_math_equiv(a, strlen(a), b, strlen(b)); }

TEST(math_answer_boxed)
{
    CHECK_STR(answer("so the result is $\\boxed{\\frac{1}{2}}$."), "\\frac{1}{2}");
    CHECK_STR(answer("first \\boxed{3} then \\boxed{ {4}+\\{x\\} }"), "{4}+\\{x\\}");
    CHECK_STR(answer("\\fbox{A}"), "A");
    CHECK_STR(answer("thus \\boxed 7$"), "7");
    CHECK_STR(answer("unclosed \\boxed{12"), "unclosed \\boxed{12");
    CHECK_STR(answer("Long work...\nSo the final answer is 42.\n"), "42");
    CHECK_STR(answer("Reasoning here.\nAnswer: (C)\nmore text that goes on"), "(C)");
    CHECK_STR(answer(" 17 "), "17");
    CHECK_STR(answer("line one\nline two with no cue at all"), "(none)");
    CHECK_STR(answer(""), "(none)");
}

TEST(math_normalize)
{
    CHECK_STR(norm("\\frac{1}{2}"), "1/2");
    CHECK_STR(norm("\\dfrac{3}{4}"), "3/4");
    CHECK_STR(norm("\\tfrac12"), "1/2");
    CHECK_STR(norm("\\frac{a+b}{2}"), "(a+b)/2");
    CHECK_STR(norm("\\frac{\\frac{1}{2}}{3}"), "(1/2)/3");
    CHECK_STR(norm("$1,234,567$"), "1234567");
    CHECK_STR(norm("1,234.50"), "1234.5");
    CHECK_STR(norm("(1,2)"), "(1,2)");
    CHECK_STR(norm("12,34"), "12,34");
    CHECK_STR(norm("2.500"), "2.5");
    CHECK_STR(norm("3.0"), "3");
    CHECK_STR(norm(".5"), "0.5");
    CHECK_STR(norm("+7"), "7");
    CHECK_STR(norm("-0.0"), "0");
    CHECK_STR(norm("50\\%"), "50");
    CHECK_STR(norm("50%"), "50");
    CHECK_STR(norm("90^\\circ"), "90");
    CHECK_STR(norm("90^{\\circ}"), "90");
    CHECK_STR(norm("5\\text{ cm}"), "5");
    CHECK_STR(norm("5 \\mbox{meters}"), "5");
    CHECK_STR(norm("12 apples"), "12");
    CHECK_STR(norm("\\text{no solution}"), "nosolution");
    CHECK_STR(norm("\\left( 1, 2 \\right)"), "(1,2)");
    CHECK_STR(norm("\\left\\{1,2\\right\\}"), "{1,2}");
    CHECK_STR(norm("x = 5"), "5");
    CHECK_STR(norm("x \\le 5"), "x<=5");
    CHECK_STR(norm("(B)"), "B");
    CHECK_STR(norm("B)"), "B");
    CHECK_STR(norm("2\\sqrt{3}"), "2sqrt(3)");
    CHECK_STR(norm("2 \\sqrt 3"), "2sqrt(3)");
    CHECK_STR(norm("\\$ 10"), "10");
    CHECK_STR(norm("$\\$10.00$"), "10");
    CHECK_STR(norm("\\displaystyle 3\\,\\pi"), "3pi");
    CHECK_STR(norm("3 \\cdot 4"), "3*4");
    CHECK_STR(norm("\\infty"), "inf");
    CHECK_STR(norm("x^{2}+1"), "x^2+1");
    CHECK_STR(norm("007"), "7");
    CHECK_STR(norm("5."), "5");
}

TEST(math_equivalence)
{
    CHECK(eq("\\frac{1}{2}", "0.5"));
    CHECK(eq("\\dfrac{1}{2}", "1/2"));
    CHECK(eq("-\\frac{3}{4}", "-0.75"));
    CHECK(eq("\\frac{-3}{4}", "-0.75"));
    CHECK(eq("1,000", "1000"));
    CHECK(eq("1000.00", "1,000"));
    CHECK(eq("\\boxed{10}", "\\boxed{10}"));
    CHECK(eq("10\\%", "10"));
    CHECK(eq("\\$5", "5.00"));
    CHECK(eq("2\\sqrt{3}", "2 \\sqrt{3}"));
    CHECK(eq("\\left(1,2\\right)", "(1, 2)"));
    CHECK(eq("x=\\frac{2}{4}", "1/2"));
    CHECK(eq("(C)", "C"));
    CHECK(eq("1/3", "0.3333333333333333"));
    CHECK(!eq("1/3", "0.333"));
    CHECK(!eq("2", "3"));
    CHECK(!eq("\\frac{1}{2}", "\\frac{2}{1}"));
    CHECK(!eq("", ""));
    CHECK(!eq("A", "B"));
    CHECK(!eq("1/0", "inf"));
    CHECK(!eq("0x10", "16"));
    CHECK(!eq("1e3", "1000"));
}

TEST(math_reply_correct)
{
    const char *ref = "The answer is $\\boxed{\\frac{7}{2}}$";
    const char *r1 = "... thus $x = \\boxed{3.5}$.";
    const char *r2 = "I think it is \\boxed{4}";
    const char *r3 = "I am not sure about this one at all, it depends\non many things";
    CHECK_INT(ts_math_reply_correct(r1, strlen(r1), ref, strlen(ref)), 1);
    CHECK_INT(ts_math_reply_correct(r2, strlen(r2), ref, strlen(ref)), 0);
    CHECK_INT(ts_math_reply_correct(r3, strlen(r3), ref, strlen(ref)), -1);
    CHECK_INT(ts_math_reply_correct(r1, strlen(r1), "3.50", 4), 1);
}
