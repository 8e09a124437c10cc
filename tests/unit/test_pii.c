/* PII detectors: known positives, tricky negatives, record modes. */
#include <stdlib.h>

#include "test.h"
#include "tuneset/curate_pii.h"

/* Redacts s into a static buffer (NUL-terminated) for CHECK_STR. */
static const char *red(const char *s)
{
    static char out[1024];
    uint64_t c[TS_PII_NTYPES] = {0};
    ts_buf b;
    ts_buf_init(&b, 0);
    ts_pii_scan(s, strlen(s), c, &b);
    size_t n = b.len < sizeof out - 1 ? b.len : sizeof out - 1;
    memcpy(out, b.data ? b.data : "", n);
    out[n] = 0;
    ts_buf_release(&b);
    return out;
}

TEST(pii_email)
{
    CHECK_STR(red("mail jane.doe+x@mail.example.co.uk."), "mail <EMAIL>.");
    CHECK_STR(red("<a@b.io>, c_d@x-y.org"), "<<EMAIL>>, <EMAIL>");
    CHECK_STR(red("user@localhost and foo@bar"), "user@localhost and foo@bar"); /* no dot TLD */
    CHECK_STR(red("x@y.c1 @handle a@b.c"), "x@y.c1 @handle a@b.c");          /* TLD letters, >= 2 */
    CHECK_STR(red("pip install pkg@1.2.3"), "pip install pkg@1.2.3");
}

TEST(pii_phone)
{
    CHECK_STR(red("call +1 (555) 123-4567 now"), "call <PHONE> now");
    CHECK_STR(red("+82 10-1234-5678, +44 20 7946 0958, +14155552671"), "<PHONE>, <PHONE>, <PHONE>");
    CHECK_STR(red("(555) 123-4567 or 555-123-4567 or 555.123.4567"), "<PHONE> or <PHONE> or <PHONE>");
    CHECK_STR(red("1-800-555-1234, 1 (800) 555-1234, 020 7946 0958"), "<PHONE>, <PHONE>, <PHONE>");
    CHECK_STR(red("2-800-555-1234 1-800-555-12345"), "2-800-555-1234 1-800-555-12345");
    CHECK_STR(red("휴대폰 010-1234-5678, 서울 02-123-4567"), "휴대폰 <PHONE>, 서울 <PHONE>");
    /* Dates, short numbers, bare digit runs, times, too-short + numbers. */
    CHECK_STR(red("on 2024-01-02 at 10:30, 555-1234, id 5551234567, +12 3"),
              "on 2024-01-02 at 10:30, 555-1234, id 5551234567, +12 3");
    CHECK_STR(red("ISBN 978-3-16-148410-0 and 1-800-555"), "ISBN 978-3-16-148410-0 and 1-800-555");
    CHECK_STR(red("555-123-45678 x010-1234-5678"), "555-123-45678 x010-1234-5678");
}

TEST(pii_ip)
{
    CHECK_STR(red("host 192.168.0.1:8080 and 8.8.8.8."), "host <IP>:8080 and <IP>.");
    CHECK_STR(red("256.1.1.1 1.2.3 01.2.3.4 1.2.3.4.5"), "256.1.1.1 1.2.3 01.2.3.4 1.2.3.4.5");
    /* The version rule: a quad right after v/ver/version/release/build. */
    CHECK_STR(red("v1.2.3.4, version 10.0.0.1, Build 1.2.3.4 vs 1.2.3.4"),
              "v1.2.3.4, version 10.0.0.1, Build 1.2.3.4 vs <IP>");
    CHECK_STR(red("2001:db8:85a3:0:0:8a2e:370:7334 fe80::1 ::1 ::ffff:192.0.2.1"), "<IP> <IP> <IP> <IP>");
    CHECK_STR(red("[2001:DB8::ff00:42:8329]:443"), "[<IP>]:443");
    /* Times, MAC addresses, C++ scopes, hex words are not addresses. */
    CHECK_STR(red("12:30:45 00:1A:2B:3C:4D:5E std::vector dead::beef a::b ::"),
              "12:30:45 00:1A:2B:3C:4D:5E std::vector dead::beef a::b ::");
    CHECK_STR(red("1:2:3:4:5:6:7:8:9"), "1:2:3:4:5:6:7:8:9");
}

TEST(pii_card)
{
    CHECK(ts_pii_luhn("4111 1111 1111 1111", 19));
    CHECK(!ts_pii_luhn("4111 1111 1111 1112", 19));
    CHECK_STR(red("card 4111 1111 1111 1111, 5500-0000-0000-0004, 378282246310005."),
              "card <CREDIT_CARD>, <CREDIT_CARD>, <CREDIT_CARD>.");
    /* Luhn failure, mixed separators, issuer digit, too long, in a word. */
    CHECK_STR(red("4111 1111 1111 1112 4111-1111 1111 1111 9111111111111111 41111111111111111111 x4111111111111111"),
              "4111 1111 1111 1112 4111-1111 1111 1111 9111111111111111 41111111111111111111 x4111111111111111");
}

TEST(pii_iban)
{
    CHECK(ts_pii_iban_ok("GB82WEST12345698765432", 22));
    CHECK(!ts_pii_iban_ok("GB82WEST12345698765433", 22));
    CHECK_STR(red("IBAN DE89 3704 0044 0532 0130 00 OK"), "IBAN <IBAN> OK");
    CHECK_STR(red("to GB82WEST12345698765432."), "to <IBAN>.");
    CHECK_STR(red("FR14 2004 1010 0505 0001 3M02 606 and DE89 3704 0044 0532 0130 01"),
              "<IBAN> and DE89 3704 0044 0532 0130 01");
    CHECK_STR(red("ISO8601 AB12 CDEF"), "ISO8601 AB12 CDEF");
}

TEST(pii_secret)
{
    CHECK_STR(red("key=sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9"), "key=<SECRET>");
    CHECK_STR(red("ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5 AKIAIOSFODNN7EXAMPLE"), "<SECRET> <SECRET>");
    CHECK_STR(red("AIzaSyA1234567890abcdefghijklmnopqrstuv hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"),
              "<SECRET> <SECRET>");
    CHECK_STR(red("xoxb-1234567890-abcdefGHIJ github_pat_11ABCDEFG0123456789_abcdefghij"), "<SECRET> <SECRET>");
    /* Hashes without a prefix, short or single-class bodies, wrong length. */
    const char *neg = "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 "
                      "sk-short1 sk-my-very-long-hyphenated-name ghp_abc123 AKIAIOSFODNN7EXAMPLE1 "
                      "task-ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5x_";
    CHECK_STR(red(neg), neg);
}

TEST(pii_counts_and_types)
{
    uint64_t c[TS_PII_NTYPES] = {0};
    const char *s = "a@b.com c@d.org 10.0.0.1 +33 1 23 45 67 89";
    CHECK_INT(ts_pii_scan(s, strlen(s), c, NULL), 4);
    CHECK_INT(c[TS_PII_EMAIL], 2);
    CHECK_INT(c[TS_PII_IP], 1);
    CHECK_INT(c[TS_PII_PHONE], 1);
    CHECK_STR(ts_pii_type_name(TS_PII_CREDIT_CARD), "credit_card");
    CHECK_STR(ts_pii_placeholder(TS_PII_SECRET), "<SECRET>");
    ts_pii_match m;
    CHECK(ts_pii_next(s, strlen(s), 1, &m)); /* resumes mid-text */
    CHECK_INT(m.start, 8);
    CHECK_INT(m.end, 15);
}

static char *run(const char *in, ts_pii_mode mode, ts_pii_result *res)
{
    ts_arena a;
    ts_arena_init(&a);
    ts_json *rec;
    char *out = NULL;
    if (!ts_json_parse(in, strlen(in), &a, NULL, &rec, NULL) && !ts_pii_record(rec, mode, &a, res)) {
        ts_buf b;
        ts_buf_init(&b, 0);
        ts_json_write(&b, rec);
        out = calloc(1, b.len + 1);
        memcpy(out, b.data, b.len);
        ts_buf_release(&b);
    }
    ts_arena_release(&a);
    return out;
}

TEST(pii_record_modes)
{
    const char *sft = "{\"messages\":[{\"role\":\"user\",\"content\":\"ip 8.8.8.8 \\\"q\\\"\"},"
                      "{\"role\":\"assistant\",\"content\":\"mail a@b.com or a@b.com\"}],\"id\":\"x/0\","
                      "\"source\":\"x\",\"meta\":{\"lang\":\"en\"}}";
    ts_pii_result res;
    char *o = run(sft, TS_PII_REDACT, &res);
    CHECK_STR(o, "{\"messages\":[{\"role\":\"user\",\"content\":\"ip <IP> \\\"q\\\"\"},"
                 "{\"role\":\"assistant\",\"content\":\"mail <EMAIL> or <EMAIL>\"}],\"id\":\"x/0\","
                 "\"source\":\"x\",\"meta\":{\"lang\":\"en\"}}");
    free(o);
    CHECK_INT(res.total, 3);
    CHECK_INT(res.first, TS_PII_IP);
    CHECK_INT(res.counts[TS_PII_EMAIL], 2);
    o = run(sft, TS_PII_REPORT, &res);
    CHECK(o && strstr(o, "\"meta\":{\"lang\":\"en\",\"pii\":{\"email\":2,\"ip\":1}}}"));
    CHECK(o && strstr(o, "8.8.8.8"));
    free(o);
    /* Preference records; meta created when missing; rerun replaces. */
    const char *pref = "{\"prompt\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                       "\"chosen\":[{\"role\":\"assistant\",\"content\":\"4111-1111-1111-1111\"}],"
                       "\"rejected\":[{\"role\":\"assistant\",\"content\":\"no\"}],\"id\":\"p/0\",\"source\":\"p\"}";
    o = run(pref, TS_PII_REPORT, &res);
    CHECK(o && strstr(o, "\"source\":\"p\",\"meta\":{\"pii\":{\"credit_card\":1}}}"));
    free(o);
    o = run("{\"text\":\"clean\",\"meta\":{\"pii\":{\"email\":9}}}", TS_PII_REPORT, &res);
    CHECK_STR(o, "{\"text\":\"clean\",\"meta\":{\"pii\":{}}}");
    free(o);
    o = run("{\"text\":\"GB82WEST12345698765432\"}", TS_PII_DROP, &res);
    CHECK_STR(o, "{\"text\":\"GB82WEST12345698765432\"}");
    free(o);
    CHECK_INT(res.first, TS_PII_IBAN);
    CHECK_INT(res.total, 1);
    CHECK(run("[1]", TS_PII_DROP, &res) == NULL);
}
