/* fuzz_bootlog.c: libFuzzer target for the boot-log parser alone (core/analyze_boot.c): console text in any pieces, notes and findings well formed. */
/*
 * Input: byte 0 is the piece length (0: the whole rest at once), byte 1 the
 * chip for the summary (modulo the chip count); the rest is what the chip's
 * console printed, handed to the diagnosis as raw text runs from the chip,
 * as the decoder hands over a boot log. Unlike fuzz_diagnose.c, no SLIP,
 * no timing and no baud search: every execution goes to the line parser,
 * fast enough to explore its banner, reset-cause and error-line forms.
 */
#include <stdlib.h>
#include <string.h>

#include "core/diagnose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t fuzz_boot_sink;

static size_t check_notes(const esp_note *notes, int n, int max)
{
	size_t acc = 0;
	if (n < 0 || n > max)
		abort();
	for (int i = 0; i < n; i++) {
		if (!notes[i].code || memchr(notes[i].text, 0, sizeof notes[i].text) == NULL)
			abort();
		acc += strlen(notes[i].text);
	}
	return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t piece = data[0] ? data[0] : size;
	esp_chip chip = (esp_chip)(data[1] % ESP_CHIP_COUNT);
	data += 2;
	size -= 2;
	esp_diag *g = esp_diag_new();
	if (!g)
		return 0;
	size_t acc = 0;
	uint64_t frame = 1;
	for (size_t pos = 0; pos < size; pos += piece, frame++) {
		size_t len = size - pos < piece ? size - pos : piece;
		esp_unit u = {.frame_no = frame, .ts_ns = frame * 1000000u, .dir = ESP_DIR_C2H, .kind = ESP_UNIT_RAW,
			      .baud = 115200, .wire = data + pos, .wire_len = len, .payload = data + pos, .payload_len = len};
		esp_record r = {.type = ESP_REC_RAW, .unit = &u, .frame = frame, .ts_ns = u.ts_ns, .dir = ESP_DIR_C2H,
				.opcode = -1, .text = (const char *)data + pos, .text_len = len};
		esp_note out[ESP_REC_MAX_NOTES];
		int n = esp_diag_record(g, &r, out, ESP_REC_MAX_NOTES);
		acc += check_notes(out, n, ESP_REC_MAX_NOTES);
	}
	esp_summary s = {.chip = chip, .raw_runs = frame - 1, .units = frame - 1, .sessions = 1, .first_frame = 1,
			 .last_frame = frame - 1, .bytes_c2h = size, .baud_initial = 115200, .baud_final = 115200};
	esp_diag_finish(g, &s);
	size_t nf;
	const esp_finding *f = esp_diag_findings(g, &nf);
	if (nf > 64)
		abort(); /* one finding per code at most */
	for (size_t i = 0; i < nf; i++) {
		if (f[i].n_frames < 0 || f[i].n_frames > ESP_FINDING_MAX_FRAMES || !f[i].code || !f[i].remedy ||
		    memchr(f[i].summary, 0, sizeof f[i].summary) == NULL)
			abort();
		for (int k = 0; k < f[i].n_frames; k++)
			if (f[i].frames[k] == 0 || f[i].frames[k] >= frame || (k && f[i].frames[k] < f[i].frames[k - 1]))
				abort(); /* evidence points at frames that were fed, in order */
		acc += strlen(f[i].summary);
	}
	esp_diag_free(g);
	fuzz_boot_sink = acc;
	return 0;
}
