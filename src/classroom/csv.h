/* csv.h — writing CSV fields (RFC 4180) for the class's exports: answers.csv, grades.csv and
 * misconceptions.csv. */
#ifndef GB_CSV_H
#define GB_CSV_H

#include <stdio.h>

/* Writes s (a NUL-terminated string, borrowed) as one CSV field to f (RFC 4180 section 2):
 * quoted when it holds a comma, a double quote, CR or LF, or starts or ends with a blank (so
 * spreadsheets keep it), with each double quote doubled; else written as is. Returns 0, or -1
 * on a write error (errno as the failing stdio call left it). */
int gb_csv_field(FILE *f, const char *s);

#endif
