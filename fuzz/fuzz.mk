# libFuzzer targets (clang). `make fuzz` builds them; `make fuzz-run`
# runs each for FUZZ_SECONDS (default 30) from the seed corpus.
CC       := clang
BUILD    := build-fuzz
FUZZ_SECONDS ?= 30
SAN      := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
CFLAGS   := -std=c11 -g -O1 $(SAN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
            $(shell pkg-config --cflags zlib libzstd snappy liblz4 libexttextcat yaml-0.1 libutf8proc libpcre2-8)
LIBS     := $(shell pkg-config --libs zlib libzstd snappy liblz4 libexttextcat yaml-0.1 libutf8proc libpcre2-8 libcurl sqlite3) -lm
include lib/sources.mk
TARGETS  := $(patsubst fuzz/%.c,$(BUILD)/%,$(wildcard fuzz/fuzz_*.c))

all: $(TARGETS)

$(BUILD)/%: fuzz/%.c $(LIB_SRCS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_SRCS) $(LIBS)

run: all
	@for t in $(TARGETS); do \
	  name=$$(basename $$t); corpus=fuzz/corpus/$${name#fuzz_}; mkdir -p $$corpus $(BUILD)/corpus-$$name; \
	  echo "== $$name ($(FUZZ_SECONDS) s)"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 $(BUILD)/corpus-$$name $$corpus 2>&1 | tail -n 3 || exit 1; \
	done
