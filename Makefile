# tuneset — `make` builds the library and the CLI, `make check` runs every
# test, `make deps` installs the Debian packages the build needs.
# No configure step: dependencies are found with pkg-config.

CC       ?= cc
BUILD    ?= build
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
# One source list and one package list, shared by the CLI, the tests, the
# benchmarks and the fuzzers.
include lib/sources.mk
PKGS     := $(LIB_PKGS)
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DEFS     := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 $(CFLAGS) $(WARN) $(DEFS) -Iinclude -fPIC $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS     = $(PKG_LIBS) $(LIB_EXTRA_LIBS) -lm $(EXTRA_LDLIBS)


LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(LIB_CXX_SRCS:%.cc=$(BUILD)/%.o)
CLI_SRCS  := $(wildcard src/*.c)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/unit/*.c)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)

.PHONY: all deps check test demo bench asan fuzz fuzz-run clean
all: $(BUILD)/libtuneset.a $(BUILD)/libtuneset.so $(BUILD)/tuneset

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) -std=c++11 $(CFLAGS) -Wall -Wextra -Wshadow $(DEFS) -Iinclude -fPIC $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libtuneset.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libtuneset.so: $(LIB_OBJS)
	$(CC) -shared -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tuneset: $(CLI_OBJS) $(BUILD)/libtuneset.a
	$(CC) -o $@ $(CLI_OBJS) $(BUILD)/libtuneset.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/test_unit: $(TEST_OBJS) $(BUILD)/libtuneset.a
	$(CC) -o $@ $(TEST_OBJS) $(BUILD)/libtuneset.a $(LDFLAGS) $(LDLIBS)

# The OpenAI-compatible test server for the LLM tests and benchmark; only
# it links libmicrohttpd.
LLM_SERVER_SRCS := $(wildcard tests/llm/server*.c)
$(BUILD)/llm_test_server: $(LLM_SERVER_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/libtuneset.a
	$(CC) -o $@ $^ $(LDFLAGS) $(shell pkg-config --libs libmicrohttpd) $(LDLIBS) -lpthread

# Installs missing Debian packages (idempotent: skips what pkg-config finds).
deps:
	@sh scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory all $(BUILD)/test_unit $(BUILD)/llm_test_server
	@sh tests/run.sh $(BUILD)

test: check

demo: deps
	@$(MAKE) --no-print-directory all $(BUILD)/llm_test_server
	@sh examples/demo.sh $(BUILD)/tuneset

bench: deps
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory all $(BUILD)/llm_test_server
	@sh bench/run.sh
	@sh bench/run_import.sh
	@sh bench/run_parquet.sh
	@sh bench/run_dedup.sh
	@sh bench/run_tok.sh
	@sh bench/run_template.sh
	@sh bench/run_export.sh
	@sh bench/run_llm.sh
	@sh bench/run_feedback.sh
	@sh bench/run_rouge.sh
	@sh bench/run_votes.sh

# The whole test suite under AddressSanitizer and UBSan, in its own tree.
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  EXTRA_LDLIBS="-fsanitize=address,undefined" check

fuzz:
	@$(MAKE) --no-print-directory -f fuzz/fuzz.mk

fuzz-run:
	@$(MAKE) --no-print-directory -f fuzz/fuzz.mk run

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_OBJS:.o=.d)
