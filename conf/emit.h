/*
 * conf/emit.h: printing a loaded object back as YAML (the effective scenario,
 * every key including defaults, in canonical units), and the Markdown key
 * reference generated from a schema.
 *
 * Round trip: loading what conf_emit printed gives an object that prints
 * identically, so `iaptsim show` shows exactly what the model uses.
 */
#ifndef CONF_EMIT_H
#define CONF_EMIT_H

#include <stdio.h>

#include "conf/schema.h"

/* Writes obj as YAML. Returns 0, or -1 on a write error. */
int conf_emit(FILE *out, const conf_schema *schema, const void *obj);

/* Writes the key reference: `preamble` (Markdown, may be NULL) then one
 * section per struct type reachable from schema, each a table of key, type
 * and unit, default, and description. Output is deterministic. */
int conf_doc_markdown(FILE *out, const conf_schema *schema, const char *title, const char *preamble);

/* Calls fn for every leaf key reachable from schema with its dotted path
 * (list items as "[]"), e.g. "teams[].staff[].wte". For tests and tools. */
void conf_walk_keys(const conf_schema *schema, void (*fn)(const char *path, const conf_field *f, void *arg),
                    void *arg);

#endif
