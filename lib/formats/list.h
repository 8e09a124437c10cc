/* The importers, in `import --list` order. One line per format; the
 * format itself is lib/formats/<name>.c defining ts_format_<name>. */
