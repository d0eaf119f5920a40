/* datadir.h — where gradbook's own data (chapters/, templates/) lives.
 *
 * Looked up in this order: $GRADBOOK_DATA; the directory of the running executable and up to
 * three of its parents (a build tree: ./gradbook, out/build-asan/gradbook), and beside each of
 * them share/gradbook (an installed tree, also one staged with DESTDIR); the installed
 * $(PREFIX)/share/gradbook (GB_DATADIR at build time); the current directory. The first that
 * holds chapters/ is used. */
#ifndef GB_DATADIR_H
#define GB_DATADIR_H

#include <stddef.h>

/* Writes "<datadir>/<rel>" into buf (cap bytes). Returns 0, or -1 when it does not fit. */
int gb_data_path(const char *rel, char *buf, size_t cap);

#endif
