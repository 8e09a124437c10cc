/* The importers, in `import --list` order. One line per format; the
 * format itself is lib/formats/<name>.c defining ts_format_<name>. */
FORMAT(oasst1)
FORMAT(alpaca)
FORMAT(dolly)
FORMAT(sharegpt)
FORMAT(ultrachat)
FORMAT(s1k)
FORMAT(hh_rlhf)
FORMAT(shp)
FORMAT(ultrafeedback)
