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
