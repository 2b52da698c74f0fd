/* vmm_log.h - a VMM's stdout and stderr reach its domain log through
 * the daemon (issue 16).
 *
 * The VMM runs as an unprivileged id of its own.  Given a descriptor of
 * the domain log, even a write-only O_APPEND one, it could ftruncate()
 * the file and erase the daemon's lines.  So it gets the write end of a
 * FIFO in its runtime directory (RUN/domains/UUID/output, 0600 in the
 * daemon's 0700 directory: it cannot open it again by path), and a
 * thread of the daemon appends what arrives to LOG/domains/NAME.log.  A
 * restarted daemon reopens the FIFO of a VMM it reattaches; what a VMM
 * writes while no daemon reads is lost (EPIPE, and the VMM ignores
 * SIGPIPE), its guest output never is (the console relay's backlog). */
#ifndef VESSEL_VMM_LOG_H
#define VESSEL_VMM_LOG_H

#include <glib.h>

typedef struct VmmLog VmmLog;

/* Make the FIFO @fifo and start copying it to @log_path (up to @max_log
 * bytes, domain_log.h); *@vmm_fd (the caller closes it once the VMM has
 * its copy) is the VMM's stdout and stderr.  NULL with @error set on
 * failure. */
VmmLog *vmm_log_new(const char *fifo, const char *log_path, goffset max_log, int *vmm_fd,
                    GError **error);
/* After a daemon restart: copy from the FIFO of a running VMM again, or
 * NULL (with a debug message) if it is gone. */
VmmLog *vmm_log_reopen(const char *fifo, const char *log_path, goffset max_log);
/* The VMM has exited: wait until what it wrote is in the log, then free
 * (NULL is fine). */
void vmm_log_finish(VmmLog *l);
/* Stop copying without waiting for the VMM (the daemon exits; the VMM
 * goes on), then free (NULL is fine). */
void vmm_log_abandon(VmmLog *l);

#endif
