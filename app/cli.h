/*
 * app/cli.h: the iaptsim commands. Each returns the process exit status:
 * 0 success, 1 bad input (messages on stderr, nothing written), 2 bad
 * usage (an unknown option, a value out of range, an output folder that
 * cannot be made; found before anything runs), 3 the run or writing its
 * output failed (out of memory, numerical error, a full disk), or standard
 * output could not be written (iapt_exit).
 */
#ifndef APP_CLI_H
#define APP_CLI_H

#include <stdio.h>

/* Runs the command argv[1] (argv as main has it); prints the overview for
 * none, --help or -h, and the version for --version. */
int iapt_dispatch(int argc, char **argv);
/* The exit status after a command returned rc: rc, or 3 if what it printed
 * did not all reach standard output (said on stderr unless the command has
 * said so itself; err: the errno a failed write left, for the message). */
int iapt_exit(int rc, int err);

int iapt_cmd_run(int argc, char **argv);
int iapt_cmd_check(int argc, char **argv);
int iapt_cmd_show(int argc, char **argv);
int iapt_cmd_schema(int argc, char **argv);
int iapt_cmd_measures(int argc, char **argv);
/* The overview of the commands and their usage. */
void iapt_usage(FILE *out);
/* Writes the scenario key reference (docs/scenario.md) to out. 0, or -1 on a
 * write error. */
int iapt_schema_markdown(FILE *out);

#endif
