# The Debian packages the library links (found with pkg-config), and the
# libraries without a .pc file. The Makefile and fuzz/fuzz.mk share them.
LIB_PKGS := zlib libzstd snappy liblz4 libexttextcat yaml-0.1 libutf8proc libpcre2-8 libcurl sqlite3
LIB_EXTRA_LIBS := -lcld2 -lstdc++

# The library's sources, by layer (arrows point down only: see docs/design.md).
LIB_SRCS := \
  $(wildcard lib/core/*.c) \
  $(wildcard lib/json/*.c) \
  $(wildcard lib/io/*.c) \
  $(wildcard lib/record/*.c) \
  $(wildcard lib/formats/*.c) \
  $(wildcard lib/curate/*.c) \
  $(wildcard lib/recipe/*.c) \
  $(wildcard lib/parquet/*.c) \
  $(wildcard lib/tok/*.c) \
  $(wildcard lib/template/*.c) \
  $(wildcard lib/export/*.c) \
  $(wildcard lib/llm/*.c) \
  $(wildcard lib/gen/*.c)
# C++: the CLD2 language detector's shim (CLD2 has only a C++ API).
LIB_CXX_SRCS := lib/curate/lang_cld2.cc
