// The floor under any command that checks JSON Lines records and writes
// them back compact: simdjson (Debian's libsimdjson-dev, the fastest
// validating JSON parser we know of) parses every line, minifies it and
// writes it out. No dedup, no fields read. bench/run_dedup.sh times it on
// the same input as `tuneset dedup`, so "records/s for the whole command"
// can be read against what the parsing and the I/O alone allow on the
// machine.
//
//   floor_simdjson IN OUT     prints "floor: N records, M bad" on stderr
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: floor_simdjson IN OUT\n");
        return 2;
    }
    int in = open(argv[1], O_RDONLY);
    FILE *out = std::fopen(argv[2], "wb");
    if (in < 0 || !out) {
        std::perror("floor_simdjson");
        return 1;
    }
    static char obuf[1 << 20];
    std::setvbuf(out, obuf, _IOFBF, sizeof obuf);
    simdjson::dom::parser parser;
    std::vector<char> buf(1 << 22), mini(1 << 16);
    size_t have = 0;
    long records = 0, bad = 0;
    bool eof = false;
    while (!eof) {
        // Keep SIMDJSON_PADDING bytes free after the data: parse() reads past
        // a line's end (realloc_if_needed = false below).
        if (buf.size() - have < (1 << 20) + simdjson::SIMDJSON_PADDING)
            buf.resize(buf.size() * 2);
        ssize_t got = read(in, buf.data() + have, buf.size() - have - simdjson::SIMDJSON_PADDING);
        if (got < 0) {
            std::perror("floor_simdjson: read");
            return 1;
        }
        eof = got == 0;
        size_t n = have + (size_t)got, start = 0;
        for (;;) {
            const char *base = buf.data() + start;
            const char *nl = static_cast<const char *>(std::memchr(base, '\n', n - start));
            if (!nl && !(eof && start < n))
                break;
            size_t len = nl ? (size_t)(nl - base) : n - start;
            start += len + (nl ? 1 : 0);
            if (len == 0)
                continue;
            records++;
            if (parser.parse(base, len, false).error()) {
                bad++;
                continue;
            }
            if (mini.size() < len + 1)
                mini.resize(len + 1);
            size_t mlen = 0;
            if (simdjson::minify(base, len, mini.data(), mlen) != simdjson::SUCCESS) {
                bad++;
                continue;
            }
            mini[mlen++] = '\n';
            std::fwrite(mini.data(), 1, mlen, out);
        }
        std::memmove(buf.data(), buf.data() + start, n - start);
        have = n - start;
    }
    if (std::fclose(out) != 0) {
        std::perror("floor_simdjson: write");
        return 1;
    }
    std::fprintf(stderr, "floor: %ld records, %ld bad\n", records, bad);
    return 0;
}
