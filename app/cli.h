/*
 * app/cli.h: the iaptsim commands. Each returns the process exit status:
 * 0 success, 1 bad input (messages on stderr, nothing written), 2 bad
 * usage (an unknown option, a value out of range, an output folder that
 * cannot be made; found before anything runs), 3 the run or writing its
 * output failed (out of memory, numerical error, a full disk; app/main.c
 * also returns 3 when standard output cannot be written).
 */
#ifndef APP_CLI_H
#define APP_CLI_H

#include <stdio.h>

int iapt_cmd_run(int argc, char **argv);
int iapt_cmd_check(int argc, char **argv);
int iapt_cmd_show(int argc, char **argv);
int iapt_cmd_schema(int argc, char **argv);
int iapt_cmd_measures(int argc, char **argv);
void iapt_usage(FILE *out);
/* Writes the scenario key reference (docs/scenario.md) to out. 0, or -1 on a
 * write error. */
int iapt_schema_markdown(FILE *out);

#endif
