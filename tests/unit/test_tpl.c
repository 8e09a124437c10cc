/* The chat template engine, construct by construct. Expected strings are
 * what Python's jinja2 (with trim_blocks and lstrip_blocks, as
 * transformers sets it up) prints; tests/template/run.sh checks whole
 * templates against jinja2 itself. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/template.h"

#define MSGS "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\" Hi \"}," \
             "{\"role\":\"assistant\",\"content\":\"Hello!\"}]"

/* Renders src over messages (JSON text) into a static buffer; errors come
 * back as "ERR <line>: <message>". */
static const char *render_x(const char *src, const char *messages, bool agp, const char *extra)
{
    static char out[4096];
    ts_arena a;
    ts_arena_init(&a);
    ts_json *m = NULL, *x = NULL;
    ts_template *t = NULL;
    ts_err e = TS_ERR_INIT;
    ts_buf b;
    ts_buf_init(&b, 0);
    int rc = ts_json_parse(messages, strlen(messages), &a, NULL, &m, NULL);
    if (!rc && extra)
        rc = ts_json_parse(extra, strlen(extra), &a, NULL, &x, NULL);
    if (!rc)
        rc = ts_template_from_source(src, strlen(src), "<s>", "</s>", &t, &e);
    if (!rc) {
        ts_tpl_render_opts o = {.add_generation_prompt = agp, .extra = x};
        rc = ts_template_render(t, m, &o, &b, NULL, &e);
    }
    if (rc)
        snprintf(out, sizeof out, "ERR %llu: %s", (unsigned long long)e.line, e.msg);
    else
        snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? b.data : "");
    ts_buf_release(&b);
    ts_template_free(t);
    ts_arena_release(&a);
    return out;
}

static const char *render(const char *src) { return render_x(src, MSGS, false, NULL); }

TEST(tpl_text_and_output)
{
    CHECK_STR(render("plain"), "plain");
    CHECK_STR(render("{{ 'a' }}{{ \"b\" }}{{ 1 }}{{ 2.5 }}{{ none }}{{ true }}"), "ab12.5NoneTrue");
    CHECK_STR(render("{{ bos_token }}|{{ eos_token }}|{{ undefined_name }}|"), "<s>|</s>||");
    CHECK_STR(render("line\n"), "line"); /* one trailing newline is dropped */
    CHECK_STR(render("a\r\nb\rc"), "a\nb\nc");
    CHECK_STR(render("{{ 'a\\tb\\n\\u00e9\\x41' }}"), "a\tb\n\xc3\xa9" "A");
    CHECK_STR(render("{{ 'x' 'y' }}"), "xy");
}

TEST(tpl_whitespace_control)
{
    CHECK_STR(render("a  {{- 'b' -}}  c"), "abc");
    CHECK_STR(render("a\n{% if true %}\nb\n{% endif %}\nc"), "a\nb\nc");     /* trim_blocks */
    CHECK_STR(render("a\n    {% if true %}b{% endif %}"), "a\nb");            /* lstrip_blocks */
    CHECK_STR(render("a\n    {%+ if true %}b{% endif %}"), "a\n    b");       /* + keeps it */
    CHECK_STR(render("a\n    {{ 'b' }}"), "a\n    b");                         /* not for {{ */
    CHECK_STR(render("x {% if true %}y{% endif %}"), "x y");                  /* not mid-line */
    CHECK_STR(render("a {# note #}b\n{# whole line #}\nc"), "a b\nc");
    CHECK_STR(render("a\n  {#- strip -#}  \n  b"), "ab");
    CHECK_STR(render("{% raw %}{{ x }}{% endraw %}"), "{{ x }}");
    CHECK_STR(render("{% if true +%}\nkeep{% endif %}"), "\nkeep");
}

TEST(tpl_if_for_loop)
{
    CHECK_STR(render("{% if false %}a{% elif 0 %}b{% elif 'x' %}c{% else %}d{% endif %}"), "c");
    CHECK_STR(render("{% for m in messages %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}"
                     "{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}"),
              "1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;");
    CHECK_STR(render("{% for m in messages if m.role != 'system' %}{{ m.role }}{{ loop.length }}{% endfor %}"),
              "user2assistant2");
    CHECK_STR(render("{% for x in [] %}a{% else %}empty{% endfor %}"), "empty");
    CHECK_STR(render("{% for x in [1, 2] %}{% continue %}{% else %}none completed{% endfor %}"),
              "none completed");
    CHECK_STR(render("{% for i in range(10) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}"), "012");
    CHECK_STR(render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }} {% endfor %}"), "a=1 b=2 ");
    CHECK_STR(render("{% for c in 'h\xc3\xa9' %}[{{ c }}]{% endfor %}"), "[h][\xc3\xa9]");
    CHECK_STR(render("{% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %}"), "xy");
    CHECK_STR(render("{% for x in [1,2] %}{{ loop.previtem is defined }}{{ loop.nextitem }}{% endfor %}"),
              "False2True");
    CHECK_STR(render("{% for x in [1, 2, 3] %}{{ loop.cycle('a', 'b') }}{% endfor %}"), "aba");
}

TEST(tpl_set_and_scoping)
{
    CHECK_STR(render("{% set a = 5 %}{% for i in [1, 2] %}{{ a }}{% set a = i %}{{ a }},{% endfor %}{{ a }}"),
              "51,52,5");
    CHECK_STR(render("{% set ns = namespace(n=0) %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}"
                     "{% endfor %}{{ ns.n }}"),
              "6");
    CHECK_STR(render("{% set x %}in {{ 'block' }}{% endset %}[{{ x }}]"), "[in block]");
    CHECK_STR(render("{% set a, b = 1, 2 %}{{ a }}{{ b }}"), "12");
    CHECK_STR(render("{% if true %}{% set y = 1 %}{% endif %}{{ y }}"), "1"); /* if shares scope */
    CHECK_STR(render("{% set x = 1 %}{% set x.y = 2 %}"), "ERR 1: cannot assign attribute on non-namespace object");
}

TEST(tpl_macros_and_calls)
{
    CHECK_STR(render("{% macro m(a, b='B') %}<{{ a }}{{ b }}>{% endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(b=3, a=4) }}"),
              "<1B><12><43>");
    CHECK_STR(render("{% macro w(x) %}[{{ x }}{{ caller() }}]{% endmacro %}{% call w(1) %}body{% endcall %}"),
              "[1body]");
    CHECK_STR(render("{% macro m() %}{% endmacro %}{{ m(1) }}"), "ERR 1: macro 'm' takes not more than 0 argument(s)");
    CHECK_STR(render("{% filter upper %}ab{{ 'c' }}{% endfilter %}"), "ABC");
    CHECK_STR(render("a{% generation %}b{% endgeneration %}c"), "abc");
}

TEST(tpl_expressions)
{
    CHECK_STR(render("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 3 ** 2 }}"),
              "7 9 3 -4 2 64");
    CHECK_STR(render("{{ 3 / 2 }} {{ 4 / 2 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e-5 }} {{ 1.0 }} {{ 1e16 }} {{ 123.456 }}"),
              "1.5 2.0 0.30000000000000004 1e+20 1e-05 1.0 1e+16 123.456");
    CHECK_STR(render("{{ 'a' ~ 1 ~ none }} {{ 'ab' * 2 }} {{ [1] + [2] }}"), "a1None abab [1, 2]");
    CHECK_STR(render("{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ 'a' in 'cat' }} {{ 3 not in [1, 2] }} {{ not 1 }}"),
              "True True True True False");
    CHECK_STR(render("{{ 0 or 'x' }} {{ 1 and 'y' }} {{ 'p' if 0 else 'q' }} {{ 'r' if 1 }}"), "x y q r");
    CHECK_STR(render("{{ messages[0]['role'] }} {{ messages[-1].content }} {{ messages[1:][0].role }}"),
              "system Hello! user");
    CHECK_STR(render("{{ 'hello'[1:4] }} {{ 'hello'[::-1] }} {{ [1, 2, 3][::2] }} {{ 'h\xc3\xa9llo'[1] }}"),
              "ell olleh [1, 3] \xc3\xa9");
    CHECK_STR(render("{{ [1, 'a', none, true, {'k': \"it's\"}] }} {{ (1,) }} {{ {'a': 'b'} }}"),
              "[1, 'a', None, True, {'k': \"it's\"}] (1,) {'a': 'b'}");
    CHECK_STR(render("{{ 'a' + 1 }}"), "ERR 1: unsupported operand type(s) for +: 'str' and 'int'");
    CHECK_STR(render("{{ 1 / 0 }}"), "ERR 1: division by zero");
}

TEST(tpl_tests)
{
    CHECK_STR(render("{{ x is defined }}{{ x is undefined }}{{ none is none }}{{ 'a' is string }}"
                     "{{ {} is mapping }}{{ [] is iterable }}{{ [] is sequence }}{{ 1 is number }}"
                     "{{ true is boolean }}{{ true is true }}{{ 0 is false }}"),
              "FalseTrueTrueTrueTrueTrueTrueTrueTrueTrueFalse");
    CHECK_STR(render("{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 2 is equalto 2 }}"
                     "{{ 1 is not none }}{{ messages is sequence }}"),
              "TrueTrueTrueTrueTrueTrue");
}

TEST(tpl_filters)
{
    CHECK_STR(render("{{ '  x  ' | trim }}|{{ 'xxhixx' | trim('x') }}|{{ 'ab' | upper }}{{ 'AB' | lower }}"),
              "x|hi|ABab");
    CHECK_STR(render("{{ 'hello world' | title }} {{ 'hELLO' | capitalize }} {{ 'a-b c' | replace(' ', '_') }}"),
              "Hello World Hello a-b_c");
    CHECK_STR(render("{{ messages | length }} {{ 'h\xc3\xa9' | length }} {{ [3, 1, 2] | sort }} {{ [1, 2] | reverse | list }}"),
              "3 2 [1, 2, 3] [2, 1]");
    CHECK_STR(render("{{ x | default('d') }} {{ '' | d('e', true) }} {{ [1, 2] | first }}{{ [1, 2] | last }}"),
              "d e 12");
    CHECK_STR(render("{{ messages | map(attribute='role') | join(',') }}"), "system,user,assistant");
    CHECK_STR(render("{{ messages | selectattr('role', 'equalto', 'user') | list | length }}"
                     "{{ messages | rejectattr('role', 'eq', 'user') | list | length }}"),
              "12");
    CHECK_STR(render("{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 1, 2] | unique | list }}"), "[1, 3] [1, 2]");
    CHECK_STR(render("{{ '3' | int + 1 }} {{ 2.7 | int }} {{ '1.5' | float }} {{ 2.5 | round }} {{ 7 | string }}"),
              "4 2 1.5 2.0 7");
    CHECK_STR(render("{{ {'a': 1} | items | list }} {{ 'a b  c' | wordcount }} {{ '<&>' | e }}"),
              "[('a', 1)] 3 &lt;&amp;&gt;");
    CHECK_STR(render("{{ 'a\nb' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}"), "a\n  b|  a\n  b");
}

TEST(tpl_tojson)
{
    CHECK_STR(render("{{ {'a': [1, 2.0, none, true], 'b': '\xc3\xa9\"\\n'} | tojson }}"),
              "{\"a\": [1, 2.0, null, true], \"b\": \"\xc3\xa9\\\"\\n\"}");
    CHECK_STR(render("{{ {'a': [1], 'e': {}} | tojson(indent=2) }}"),
              "{\n  \"a\": [\n    1\n  ],\n  \"e\": {}\n}");
    CHECK_STR(render("{{ x | tojson }}"), "ERR 1: Object of type Undefined is not JSON serializable");
}

TEST(tpl_methods)
{
    CHECK_STR(render("{{ ' a b '.strip() }}|{{ 'xax'.strip('x') }}|{{ '\\na'.lstrip() }}|{{ 'a\\n'.rstrip('\\n') }}"),
              "a b|a|a|a");
    CHECK_STR(render("{{ 'a b  c'.split() }} {{ 'a,b'.split(',') }} {{ 'a,b,c'.split(',', 1) }}"),
              "['a', 'b', 'c'] ['a', 'b'] ['a', 'b,c']");
    CHECK_STR(render("{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}{{ 'aXa'.replace('a', 'b') }}"),
              "TrueTruebXb");
    CHECK_STR(render("{{ messages[0].get('role') }} {{ messages[0].get('nope', 'd') }} {{ messages[0].keys() | list }}"),
              "system d ['role', 'content']");
    CHECK_STR(render("{{ 'he said {}'.format('hi') }} {{ ', '.join(['a', 'b']) }} {{ 'x y'.title() }}"),
              "he said hi a, b X Y");
}

TEST(tpl_undefined_and_raise)
{
    CHECK_STR(render("{{ x.y }}"), "ERR 1: 'x' is undefined");
    CHECK_STR(render("a\n{{ messages[0].nope.deeper }}"), "ERR 2: 'dict object' has no attribute 'nope'");
    CHECK_STR(render("{{ x | length }}{{ x ~ 'a' }}{% for i in x %}no{% endfor %}"), "0a");
    CHECK_STR(render("\n\n{{ raise_exception('bad role: ' ~ messages[0].role) }}"), "ERR 3: bad role: system");
}

TEST(tpl_parse_errors_have_lines)
{
    CHECK_STR(render("ok\n{% if x %}\nunclosed"), "ERR 3: unexpected end of template, expected 'elif'");
    CHECK_STR(render("{{ 1 +\n}}"), "ERR 2: unexpected 'end of print statement'");
    CHECK_STR(render("a\nb\n{% endfor %}"), "ERR 3: encountered unknown tag 'endfor'");
    CHECK_STR(render("{{ x | nosuchfilter }}"), "ERR 1: no filter named 'nosuchfilter'");
    CHECK_STR(render("\n{% include 'x' %}"), "ERR 2: encountered unknown tag 'include'");
    CHECK_STR(render("{{ 'open }}"), "ERR 1: unterminated string");
    CHECK_STR(render("{# never closed"), "ERR 1: missing end of comment tag");
}

TEST(tpl_variables_from_caller)
{
    CHECK_STR(render_x("{{ add_generation_prompt }} {{ enable_thinking }} {{ tools }}", "[]", true,
                       "{\"enable_thinking\": false}"),
              "True False None");
    CHECK_STR(render_x("{{ bos_token }}", "[]", false, "{\"bos_token\": \"<B>\"}"), "<B>");
    CHECK_STR(render_x("{{ messages[0].n }} {{ messages[0].f }} {{ messages[0].e }}",
                       "[{\"n\": 3, \"f\": 1.50, \"e\": 1e3}]", false, NULL),
              "3 1.5 1000.0");
}
