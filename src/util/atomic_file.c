/* atomic_file.c — temporary file in the destination's directory, then rename. */
#include "util/atomic_file.h"

#include "util/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- interrupted runs: the temporary files being written are removed ----
 *
 * Each file being written has a slot; SIGINT, SIGTERM and SIGHUP remove the files of the slots
 * in use (unlink is async-signal-safe) and then end the process as the signal would have. */

#define SLOTS 64
#define SLOT_PATH 4096

static char slot_path[SLOTS][SLOT_PATH];
static atomic_int slot_state[SLOTS];   /* 0 free, 1 being filled, 2 a file to remove */
static atomic_int handlers_set;
static atomic_int dying;               /* a signal came: create nothing more */
static atomic_uint tmp_counter;

/* The process's umask, read once by the first atomic write of any thread (reading the umask
 * means setting it, so it must not race with another reader). */
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;
static mode_t process_umask;

static void read_umask(void)
{
    process_umask = umask(022);
    umask(process_umask);
}

static void remove_slots(void)
{
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load(&slot_state[i]) == 2) unlink(slot_path[i]);
}

static void on_signal(int sig)
{
    atomic_store(&dying, 1);
    remove_slots();
    /* other threads may be between registering a file and creating it: they see `dying` and
     * remove their own; a second pass after a moment catches the rest */
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    remove_slots();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_handlers(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&handlers_set, &expected, 1)) return;
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old, sa;
        /* a signal the caller ignores stays ignored */
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* The slot now holding tmp (to remove on a signal), or -1 when none is free. */
static int slot_take(const char *tmp)
{
    size_t n = strlen(tmp);
    if (n >= SLOT_PATH) return -1;
    set_handlers();
    for (int i = 0; i < SLOTS; i++) {
        int expected = 0;
        if (!atomic_compare_exchange_strong(&slot_state[i], &expected, 1)) continue;
        memcpy(slot_path[i], tmp, n + 1);
        atomic_store(&slot_state[i], 2);
        return i;
    }
    return -1;
}

static void slot_release(int i)
{
    if (i >= 0) atomic_store(&slot_state[i], 0);
}

int gb_atomic_write(const char *path, gb_file_writer writer, void *ctx, gb_err *e)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return gb_err_set(e, GB_EINPUT, path, 0, 0, "is a folder; give a file name");
    size_t n = strlen(path);
    char *tmp = malloc(n + 64);
    if (!tmp) return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "out of memory");
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(tmp, path, dirlen);
    if (dirlen > 1) {
        /* The destination's folder is made when missing, as `mkdir -p` would. */
        tmp[dirlen - 1] = '\0';
        int rc = gb_mkdir_p(tmp, e);
        if (rc) { free(tmp); return rc; }
        tmp[dirlen - 1] = '/';
    }
    /* The temporary name is registered for removal before the file exists (an interrupt
     * between creating and registering would leave it): ".<base>.tmp-<pid>-<n>", created
     * exclusively, another n when taken. */
    int fd = -1, slot = -1, err = EEXIST;
    for (int attempt = 0; attempt < 100 && fd < 0 && err == EEXIST; attempt++) {
        snprintf(tmp + dirlen, n + 64 - dirlen, ".%s.tmp-%ld-%u", path + dirlen, (long)getpid(),
                 atomic_fetch_add(&tmp_counter, 1u));
        slot_release(slot);
        slot = slot_take(tmp);
        if (atomic_load(&dying)) { err = EINTR; break; }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) err = errno;
    }
    if (fd >= 0 && atomic_load(&dying)) {
        close(fd);
        unlink(tmp);
        fd = -1;
        err = EINTR;
    }
    if (fd < 0) {
        slot_release(slot);
        free(tmp);
        return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "cannot create a temporary file: %s",
                          strerror(err));
    }
    /* The file is created 0600; an output file gets the usual 0666 less the umask. */
    pthread_once(&umask_once, read_umask);
    if (fchmod(fd, 0666 & ~process_umask) != 0) { /* keep 0600: still a complete, correct file */ }
    close(fd);
    /* The writer gets a path that exists and is empty; libharu and fopen(…, "wb") truncate it. */
    int rc = writer(tmp, ctx, e);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = gb_err_set(e, GB_EINTERNAL, path, 0, 0, "cannot rename %s: %s", tmp, strerror(errno));
    if (rc != 0) unlink(tmp);
    slot_release(slot);
    free(tmp);
    return rc;
}

/* ---- a stdio stream over gb_atomic_write ---- */

typedef struct stream_job {
    gb_stream_writer fn;
    void *ctx;
} stream_job;

static int stream_writer(const char *tmp, void *ctx, gb_err *e)
{
    const stream_job *job = ctx;
    FILE *f = fopen(tmp, "wb");
    if (!f) return gb_err_set(e, GB_EINTERNAL, tmp, 0, 0, "cannot open: %s", strerror(errno));
    int rc = job->fn(f, job->ctx, e);
    int io = rc < 0 || (rc == 0 && ferror(f));
    if (fclose(f) != 0) io = 1;
    if (rc > 0) return rc;
    return io ? gb_err_set(e, GB_EINTERNAL, tmp, 0, 0, "write failed: %s", strerror(errno)) : 0;
}

int gb_atomic_write_stream(const char *path, gb_stream_writer fn, void *ctx, gb_err *e)
{
    stream_job job = {fn, ctx};
    return gb_atomic_write(path, stream_writer, &job, e);
}
