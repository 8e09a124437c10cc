/* tuneset — build datasets for fine-tuning language models. Umbrella header. */
#ifndef TUNESET_H
#define TUNESET_H

#define TS_VERSION "0.1.0"

#include "tuneset/arena.h"
#include "tuneset/error.h"
#include "tuneset/export.h"
#include "tuneset/hash.h"
#include "tuneset/io.h"
#include "tuneset/json.h"
#include "tuneset/record.h"
#include "tuneset/stats.h"
#include "tuneset/stream.h"
#include "tuneset/tokenizer.h"
#include "tuneset/template.h"

/* The library's version string, e.g. "0.1.0". */
const char *ts_version(void);

#endif
