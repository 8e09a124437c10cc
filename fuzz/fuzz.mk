# libFuzzer targets (clang). `make fuzz` builds them; `make fuzz-run`
# runs each for FUZZ_SECONDS (default 30) from the seed corpus.
# The library is compiled once, instrumented (fuzzer-no-link), into its own
# archive; each target links it with -fsanitize=fuzzer.
CC       := clang
BUILD    := build-fuzz
FUZZ_SECONDS ?= 30
INSTR    := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
SAN      := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
include lib/sources.mk
DEFS     := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude
CFLAGS   := -std=c11 -g -O1 $(DEFS) $(shell pkg-config --cflags $(LIB_PKGS))
LIBS     := $(shell pkg-config --libs $(LIB_PKGS)) $(LIB_EXTRA_LIBS) -lm
OBJS     := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(LIB_CXX_SRCS:%.cc=$(BUILD)/%.o)
TARGETS  := $(patsubst fuzz/%.c,$(BUILD)/%,$(wildcard fuzz/fuzz_*.c))

all: $(TARGETS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INSTR) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	clang++ -std=c++11 -g -O1 $(INSTR) $(DEFS) -c $< -o $@

$(BUILD)/libtuneset-fuzz.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz_%: fuzz/fuzz_%.c $(BUILD)/libtuneset-fuzz.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $< $(BUILD)/libtuneset-fuzz.a $(LIBS)

-include $(OBJS:.o=.d)

run: all
	@for t in $(TARGETS); do \
	  name=$$(basename $$t); corpus=fuzz/corpus/$${name#fuzz_}; mkdir -p $$corpus $(BUILD)/corpus-$$name; \
	  echo "== $$name ($(FUZZ_SECONDS) s)"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 $(BUILD)/corpus-$$name $$corpus 2>&1 | tail -n 3 || exit 1; \
	done
