/* outfile.h: how every capture, trace and report file esptap writes is
 * opened, so that a write never lands in a file the user did not mean.
 * The last path component is never followed if it is a symbolic link
 * (O_NOFOLLOW, with or without --force): a link planted at the path, e.g. in
 * /tmp, cannot redirect the write into someone else's file. A new file is
 * created with O_EXCL. An existing path is truncated and reused only when it
 * is a regular file owned by the user running esptap with a single link (the
 * "run it again with the same -w" case), or a character device or fifo
 * (/dev/null, a terminal: nothing stored is lost); anything else (another
 * user's file, a hard link, a block device) is refused unless force is set. Opens only;
 * the caller owns and closes the stream.
 */
#ifndef ESPTAP_WRITE_OUTFILE_H
#define ESPTAP_WRITE_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"

/* *f: a stream open for writing at offset 0. what: "pcapng file", ... (for
 * the error text). Fails with ESP_E_IO and one sentence saying why. */
esp_status esp_outfile_open(const char *path, bool force, const char *what, FILE **f, esp_error *e);

#endif
