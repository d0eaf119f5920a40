/* commands.h — gradbook's commands. Each takes main's argc/argv (argv[1] is the command name),
 * prints its own messages, and returns the exit status: 0 success, 1 internal failure (or, for
 * check, a failed gradient check), 2 bad input or usage. */
#ifndef GB_COMMANDS_H
#define GB_COMMANDS_H

int gb_cmd_check(int argc, char **argv);
int gb_cmd_bench(int argc, char **argv);
int gb_cmd_report(int argc, char **argv);
int gb_cmd_stress(int argc, char **argv);
int gb_cmd_variants(int argc, char **argv);
int gb_cmd_grade(int argc, char **argv);

#endif
