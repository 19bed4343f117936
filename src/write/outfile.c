/* outfile.c: opens output files without following a planted symlink or clobbering a file not ours. */
#include "write/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static esp_status refuse(esp_error *e, const char *path, int fd, int err, const char *why, const char *what)
{
	if (fd >= 0)
		close(fd);
	return esp_error_set(e, ESP_E_IO, path, ESP_LOC_NONE, 0, err, "cannot write the %s: %s", what, why);
}

esp_status esp_outfile_open(const char *path, bool force, const char *what, FILE **f, esp_error *e)
{
	*f = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0 && errno == EEXIST) {
		/* O_NONBLOCK first: the checks below run before any wait; cleared below */
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 && errno == ENXIO) /* a fifo whose reader is still to come (Wireshark's extcap): wait for it */
			fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0 && errno == ELOOP)
			return refuse(e, path, -1, 0, "it is a symbolic link (esptap never writes through one)", what);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0) {
			/* a stream (terminal, /dev/null, a fifo) holds no stored data to lose */
			bool stream = S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode);
			bool ours = S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_nlink == 1;
			if (!stream && !ours && !force) {
				const char *why = !S_ISREG(st.st_mode) ? "it exists and is not a regular file (--force to write to it)"
						  : st.st_uid != geteuid() ? "it exists and belongs to another user (--force to overwrite it)"
									   : "it exists and has other hard links (--force to overwrite it)";
				return refuse(e, path, fd, 0, why, what);
			}
			if (S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0)
				return refuse(e, path, fd, errno, "cannot truncate it", what);
			int fl = fcntl(fd, F_GETFL);
			if (fl >= 0)
				fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		}
	}
	if (fd < 0)
		return refuse(e, path, -1, errno, "cannot create it", what);
	if (!(*f = fdopen(fd, "wb")))
		return refuse(e, path, fd, errno, "out of memory", what);
	return ESP_OK;
}
