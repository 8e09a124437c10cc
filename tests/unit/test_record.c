/* Validation of the canonical record shapes. */
#include "test.h"
#include "tuneset/record.h"

static int check(const char *text, char *why, size_t cap)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    int rc = ts_json_parse(text, strlen(text), &a, NULL, &v, NULL);
    if (!rc)
        rc = ts_record_validate(v, why, cap);
    ts_arena_release(&a);
    return rc;
}

#define VALID(text)                                                   \
    do {                                                              \
        char why_[256] = "";                                          \
        if (check(text, why_, sizeof why_))                           \
            test_fail(__FILE__, __LINE__, "%s: %s", text, why_);      \
    } while (0)

#define INVALID(text, reason)                                                          \
    do {                                                                               \
        char why_[256] = "";                                                           \
        if (check(text, why_, sizeof why_) != TS_ESCHEMA || !strstr(why_, reason))     \
            test_fail(__FILE__, __LINE__, "%s: got '%s', expected '%s'", text, why_, reason); \
    } while (0)

#define U "{\"role\":\"user\",\"content\":\"hi\"}"
#define A "{\"role\":\"assistant\",\"content\":\"hello\"}"
#define S "{\"role\":\"system\",\"content\":\"be brief\"}"

TEST(record_sft_valid_shapes)
{
    VALID("{\"messages\":[" U "," A "],\"id\":\"x/1\",\"source\":\"x\",\"meta\":{\"k\":1}}");
    VALID("{\"messages\":[" S "," U "," A "," U "," A "]}");
    VALID("{\"messages\":[" U ",{\"role\":\"assistant\",\"content\":\"42\",\"reasoning_content\":\"think\"}]}");
    VALID("{\"messages\":[" U ",{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{}]},"
          "{\"role\":\"tool\",\"content\":\"{}\"}," A "],\"extra\":true}");
}

TEST(record_sft_problems_are_named)
{
    INVALID("[1]", "must be a JSON object");
    INVALID("{\"foo\":1}", "not a tuneset record");
    INVALID("{\"messages\":[]}", "messages: must not be empty");
    INVALID("{\"messages\":[" U ",{\"role\":\"bot\",\"content\":\"x\"}]}", "messages[1].role: unknown role \"bot\"");
    INVALID("{\"messages\":[" U ",{\"role\":\"assistant\",\"content\":\"\"}]}", "messages[1].content: empty");
    INVALID("{\"messages\":[" U ",{\"role\":\"assistant\",\"content\":5}]}", "messages[1].content: missing or not a string");
    INVALID("{\"messages\":[" U "," U "]}", "two user turns in a row");
    INVALID("{\"messages\":[" A "]}", "must start with a user turn");
    INVALID("{\"messages\":[" U "," S "]}", "system message may only come first");
    INVALID("{\"messages\":[" U "," A "," A "]}", "two assistant turns in a row");
    INVALID("{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"reasoning_content\":\"r\"}]}", "only assistant turns");
    INVALID("{\"messages\":[" U "],\"id\":7}", "id: must be a non-empty string");
    INVALID("{\"messages\":[" U "],\"meta\":[]}", "meta: must be an object");
}

TEST(record_preference_shapes)
{
    VALID("{\"prompt\":[" U "],\"chosen\":[" A "],\"rejected\":[" A "],\"score_chosen\":8.5,\"score_rejected\":4}");
    VALID("{\"prompt\":[" S "," U "," A "," U "],\"chosen\":[" A "," U "," A "],\"rejected\":[" A "]}");
    INVALID("{\"chosen\":[" A "],\"rejected\":[" A "]}", "prompt: missing");
    INVALID("{\"prompt\":[" U "," A "],\"chosen\":[" A "],\"rejected\":[" A "]}", "prompt: must end with a user turn");
    INVALID("{\"prompt\":[" U "],\"chosen\":[" U "],\"rejected\":[" A "]}", "chosen[0]: two user turns");
    INVALID("{\"prompt\":[" U "],\"chosen\":[" A "]}", "rejected: must be an array");
    INVALID("{\"prompt\":[" U "],\"chosen\":[" A "],\"rejected\":[" A "],\"score_chosen\":\"9\"}", "score_chosen");
}

TEST(record_prompt_and_text)
{
    VALID("{\"prompt\":[" U "]}");
    VALID("{\"text\":\"a corpus line\"}");
    INVALID("{\"text\":\"\"}", "text: must be a non-empty string");
}

TEST(record_kind_names)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *v;
    const char *t = "{\"prompt\":[],\"chosen\":[]}";
    CHECK_INT(ts_json_parse(t, strlen(t), &a, NULL, &v, NULL), 0);
    CHECK_STR(ts_rec_kind_name(ts_record_kind(v)), "preference");
    ts_arena_release(&a);
}
