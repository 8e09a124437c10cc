/* Parsers for what the judge and the domain labeller reply. Models wrap
 * the one word asked for in markup and sentences; these find it. */
#include <ctype.h>
#include <string.h>

#include "tuneset/select.h"

static bool word_is(const char *w, size_t n, const char *lit)
{
    return n == strlen(lit) && !memcmp(w, lit, n);
}

int ts_select_parse_yesno(const char *s, size_t n)
{
    char w[16];
    bool negated = false;
    for (size_t i = 0; i < n;) {
        while (i < n && !isalpha((unsigned char)s[i]))
            i++;
        size_t k = 0;
        while (i < n && isalpha((unsigned char)s[i])) {
            if (k < sizeof w)
                w[k] = (char)tolower((unsigned char)s[i]);
            k++;
            i++;
        }
        if (!k || k > sizeof w)
            continue;
        if (word_is(w, k, "not") || word_is(w, k, "isn") || word_is(w, k, "doesn")) {
            negated = true;
            continue;
        }
        if (word_is(w, k, "yes") || word_is(w, k, "correct") || word_is(w, k, "equivalent") ||
            word_is(w, k, "true") || word_is(w, k, "same"))
            return negated ? 0 : 1;
        if (word_is(w, k, "no") || word_is(w, k, "incorrect") || word_is(w, k, "wrong") ||
            word_is(w, k, "false") || word_is(w, k, "different") || word_is(w, k, "inequivalent"))
            return 0;
        /* Words between a negation and its verdict ("not quite correct")
         * keep the negation; a full stop ends it. */
        if (i < n && s[i] == '.')
            negated = false;
    }
    return -1;
}

/* MSC2020 top-level classes. */
static const struct {
    int code;
    const char *name;
} msc[] = {
    {0, "General and overarching topics; collections"},
    {1, "History and biography"},
    {3, "Mathematical logic and foundations"},
    {5, "Combinatorics"},
    {6, "Order, lattices, ordered algebraic structures"},
    {8, "General algebraic systems"},
    {11, "Number theory"},
    {12, "Field theory and polynomials"},
    {13, "Commutative algebra"},
    {14, "Algebraic geometry"},
    {15, "Linear and multilinear algebra; matrix theory"},
    {16, "Associative rings and algebras"},
    {17, "Nonassociative rings and algebras"},
    {18, "Category theory; homological algebra"},
    {19, "K-theory"},
    {20, "Group theory and generalizations"},
    {22, "Topological groups, Lie groups"},
    {26, "Real functions"},
    {28, "Measure and integration"},
    {30, "Functions of a complex variable"},
    {31, "Potential theory"},
    {32, "Several complex variables and analytic spaces"},
    {33, "Special functions"},
    {34, "Ordinary differential equations"},
    {35, "Partial differential equations"},
    {37, "Dynamical systems and ergodic theory"},
    {39, "Difference and functional equations"},
    {40, "Sequences, series, summability"},
    {41, "Approximations and expansions"},
    {42, "Harmonic analysis on Euclidean spaces"},
    {43, "Abstract harmonic analysis"},
    {44, "Integral transforms, operational calculus"},
    {45, "Integral equations"},
    {46, "Functional analysis"},
    {47, "Operator theory"},
    {49, "Calculus of variations and optimal control; optimization"},
    {51, "Geometry"},
    {52, "Convex and discrete geometry"},
    {53, "Differential geometry"},
    {54, "General topology"},
    {55, "Algebraic topology"},
    {57, "Manifolds and cell complexes"},
    {58, "Global analysis, analysis on manifolds"},
    {60, "Probability theory and stochastic processes"},
    {62, "Statistics"},
    {65, "Numerical analysis"},
    {68, "Computer science"},
    {70, "Mechanics of particles and systems"},
    {74, "Mechanics of deformable solids"},
    {76, "Fluid mechanics"},
    {78, "Optics, electromagnetic theory"},
    {80, "Classical thermodynamics, heat transfer"},
    {81, "Quantum theory"},
    {82, "Statistical mechanics, structure of matter"},
    {83, "Relativity and gravitational theory"},
    {85, "Astronomy and astrophysics"},
    {86, "Geophysics"},
    {90, "Operations research, mathematical programming"},
    {91, "Game theory, economics, finance, and other social and behavioral sciences"},
    {92, "Biology and other natural sciences"},
    {93, "Systems theory; control"},
    {94, "Information and communication, circuits"},
    {97, "Mathematics education"},
};

const char *ts_select_msc_name(int code)
{
    for (size_t i = 0; i < sizeof msc / sizeof *msc; i++)
        if (msc[i].code == code)
            return msc[i].name;
    return NULL;
}

int ts_select_parse_msc(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (!isdigit((unsigned char)s[i]) || !isdigit((unsigned char)s[i + 1]))
            continue;
        bool alone = (i == 0 || !isalnum((unsigned char)s[i - 1]) || s[i - 1] == 'C') &&
                     (i + 2 >= n || !isdigit((unsigned char)s[i + 2]));
        if (alone) {
            int code = (s[i] - '0') * 10 + (s[i + 1] - '0');
            if (ts_select_msc_name(code))
                return code;
        }
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    }
    return -1;
}
