/* HTML to Markdown and the ChatGPT artefact clean-up used by
 * `import sharegpt --clean`. */
#include <string.h>

#include "../../lib/formats/html_md.h"
#include "test.h"

static char md_out[4096];

/* Converts s (and strips artefacts when strip) into md_out. */
static const char *md(const char *s, int strip)
{
    ts_arena a;
    ts_arena_init(&a);
    const char *o;
    size_t n;
    int rc = fmt_html_to_md(&a, s, strlen(s), &o, &n);
    if (!rc && strip)
        rc = fmt_md_strip_artifacts(&a, o, n, &o, &n);
    snprintf(md_out, sizeof md_out, "%.*s", rc ? 5 : (int)n, rc ? "ERROR" : o);
    ts_arena_release(&a);
    return md_out;
}

TEST(html_md_plain_text_unchanged)
{
    CHECK_STR(md("a < b && c &amp; d\n\n\n  spaced  ", 0), "a < b && c &amp; d\n\n\n  spaced  ");
    CHECK_STR(md("", 0), "");
}

TEST(html_md_div_span_dropped_paragraphs_kept)
{
    CHECK_STR(md("<div class=\"markdown\"><p>One <span>two</span></p>\n<p>Three</p></div>", 0),
              "One two\n\nThree");
    CHECK_STR(md("<p>a<br>b<br/><br><br>c</p>", 0), "a\nb\n\nc");
}

TEST(html_md_inline_markup)
{
    CHECK_STR(md("<p>x<b> bold </b>y <strong>s</strong> <i>i</i> <em>e</em> <b></b>z</p>", 0),
              "x **bold** y **s** *i* *e* z");
    CHECK_STR(md("<p>Run <code>ls -l</code> or <code>a`b</code>.</p>", 0), "Run `ls -l` or `` a`b ``.");
    CHECK_STR(md("<p>See <a href=\"https://ex.org/a_(b)?q=1&amp;r=2\">the page</a>, "
                 "<a href=\"https://ex.org\">https://ex.org</a> and <a>bare</a>.</p>", 0),
              "See [the page](https://ex.org/a_%28b%29?q=1&r=2), https://ex.org and bare.");
}

TEST(html_md_entities)
{
    CHECK_STR(md("<p>&lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x263A; &#233; &hellip; &bogus; & x</p>", 0),
              "<tag> \"q\" 's' \xe2\x98\xba \xc3\xa9 \xe2\x80\xa6 &bogus; & x");
}

TEST(html_md_lists_headings_tables)
{
    CHECK_STR(md("<h2>Steps</h2><ol><li><p>First</p></li><li><p>Second</p><ul><li>sub</li></ul></li></ol><p>End</p>", 0),
              "## Steps\n\n1. First\n2. Second\n  - sub\n\nEnd");
    CHECK_STR(md("<table><thead><tr><th>A</th><th>B</th></tr></thead>"
                 "<tbody><tr><td>1</td><td><p>2</p></td></tr></tbody></table>", 0),
              "| A | B |\n| --- | --- |\n| 1 | 2 |");
}

TEST(html_md_chatgpt_code_block)
{
    /* ChatGPT's page: the language label and the "Copy code" button sit
     * inside <pre> before <code>; highlighting spans inside the code. */
    const char *html =
        "<p>Here:</p><pre><div class=\"bg-black\"><div class=\"flex\"><span>python</span>"
        "<button><svg><path d=\"M1\"></path></svg>Copy code</button></div><div>"
        "<code class=\"!whitespace-pre hljs language-python\"><span class=\"hljs-keyword\">if</span> a &lt; b:\n"
        "    <span>print</span>(a)\n</code></div></div></pre><p>Done.</p>";
    CHECK_STR(md(html, 0), "Here:\n\n```python\nif a < b:\n    print(a)\n```\n\nDone.");
    /* No class: the label before "Copy code" names the language. */
    CHECK_STR(md("<pre><div>bashCopy code</div><code>ls\n</code></pre>", 0), "```bash\nls\n```");
    CHECK_STR(md("<pre>javascriptCopy codelet a = 1;</pre>", 0), "```javascript\nlet a = 1;\n```");
    /* A code block containing a fence gets a longer fence. */
    CHECK_STR(md("<pre><code>a ``` b</code></pre>", 0), "````\na ``` b\n````");
}

TEST(html_md_robust_to_broken_html)
{
    CHECK_STR(md("<p>unclosed <b>bold <i>it", 0), "unclosed **bold *it***");
    CHECK_STR(md("<p>if a < b and 3<4</p> <b", 0), "if a < b and 3<4\n\n<b");
    CHECK_STR(md("<script>var s = \"<p>\";</script><style>p{}</style><!-- c --><p>ok</p>", 0), "ok");
    CHECK_STR(md("<pre><code>never closed", 0), "```\nnever closed\n```");
}

TEST(html_md_artifacts)
{
    CHECK_STR(md("1 / 1Write a poem.", 1), "Write a poem.");
    CHECK_STR(md("2 / 2<p>Hello</p>", 1), "Hello");
    CHECK_STR(md("Mix 1 / 2 cup of flour.", 1), "Mix 1 / 2 cup of flour.");
    CHECK_STR(md("Code:\n```pythonCopy codeprint(1)\n```\nend", 1), "Code:\n```python\nprint(1)\n```\nend");
    CHECK_STR(md("```Copy code```\ntext", 1), "text");
    CHECK_STR(md("Copy12 chars / 3 words\nAnswer", 1), "Answer");
    /* Ordinary fences are left alone, "Copy code" text inside included. */
    CHECK_STR(md("```\nCopy code\n```", 1), "```\nCopy code\n```");
}
