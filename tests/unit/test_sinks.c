/* test_sinks.c: the pipeline into all three sinks at once: packets, records, text and their agreement. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/cursor.h"
#include "core/pipeline.h"
#include "write/sinks.h"

static size_t frame_of(uint8_t dir, uint8_t op, uint32_t value, const uint8_t *d, size_t n, uint8_t *out)
{
	uint8_t p[64] = {dir, op};
	esp_put_u16le(p + 2, (uint16_t)n);
	esp_put_u32le(p + 4, value);
	memcpy(p + 8, d, n);
	return esp_slip_encode(p, 8 + n, out);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("");
	char *b = calloc(1, 1 << 16);
	fread(b, 1, (1 << 16) - 1, f);
	fclose(f);
	return b;
}

int main(void)
{
	char pc[] = "/tmp/esptap-sinks-XXXXXX", js[] = "/tmp/esptap-sinks-XXXXXX", tx[] = "/tmp/esptap-sinks-XXXXXX";
	close(mkstemp(pc));
	close(mkstemp(js));
	int tfd = mkstemp(tx);
	FILE *text = fdopen(tfd, "w");

	esp_sinks_opts so = {.pcapng_path = pc, .jsonl_path = js, .text = ESP_TEXT_FRAMES, .text_out = text, .colour = 0};
	esp_session_info si = {.tool = "esptap 0.0.1", .verb = "decode", .source = "vector", .format = "test"};
	esp_sinks *s = NULL;
	esp_error e = {0};
	CHECK_EQ_U(esp_sinks_open(&so, &si, &s, &e), ESP_OK);
	esp_pipeline_opts po = {.initial_baud = 115200, .unit_sink = esp_sinks_unit, .record_sink = esp_sinks_record,
				.user = s};
	esp_pipeline *p = esp_pipeline_new(&po);
	CHECK(p != NULL);

	uint8_t w[200];
	uint8_t sync[36] = {0x07, 0x07, 0x12, 0x20};
	memset(sync + 4, 0x55, 32);
	const char *boot = "waiting for download\n";
	esp_event ev = {.ts_ns = 1000, .dir = ESP_DIR_C2H, .kind = ESP_EV_BYTES, .data = (const uint8_t *)boot,
			.len = strlen(boot)};
	esp_pipeline_event(p, &ev);
	ev = (esp_event){.ts_ns = 2000000, .dir = ESP_DIR_H2C, .kind = ESP_EV_BYTES, .data = w,
			 .len = frame_of(0, 0x08, 0, sync, sizeof sync, w)};
	esp_pipeline_event(p, &ev);
	uint8_t st[4] = {0};
	ev = (esp_event){.ts_ns = 3000000, .dir = ESP_DIR_C2H, .kind = ESP_EV_BYTES, .data = w,
			 .len = frame_of(1, 0x08, 0x20120707, st, 4, w)};
	esp_pipeline_event(p, &ev);
	ev = (esp_event){.ts_ns = 4000000, .dir = ESP_DIR_NONE, .kind = ESP_EV_BAUD, .value = 460800};
	esp_pipeline_event(p, &ev);
	esp_pipeline_finish(p, 5000000);
	CHECK_EQ_U(esp_sinks_status(s, &e), ESP_OK);
	CHECK_EQ_U(esp_sinks_close(s, esp_pipeline_summary(p), &e), ESP_OK);
	esp_pipeline_free(p);
	fclose(text);

	/* pcapng: one packet per unit, in order, the command's carrying its verdict. */
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *pp = pcap_open_offline(pc, eb);
	CHECK(pp != NULL);
	int n = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t kinds[8] = {0};
	while (pp && pcap_next_ex(pp, &h, &d) == 1) {
		if (n < 8 && h->caplen >= 20)
			kinds[n] = d[7];
		n++;
	}
	if (pp)
		pcap_close(pp);
	CHECK_EQ_U(n, 4);
	CHECK_EQ_U(kinds[0], ESP_UNIT_RAW);
	CHECK_EQ_U(kinds[1], ESP_UNIT_FRAME);
	CHECK_EQ_U(kinds[2], ESP_UNIT_FRAME);
	CHECK_EQ_U(kinds[3], ESP_UNIT_BAUD);
	char *raw = calloc(1, 1 << 16);
	FILE *f = fopen(pc, "rb");
	size_t rl = fread(raw, 1, (1 << 16) - 1, f);
	fclose(f);
	CHECK(memmem(raw, rl, "SYNC ok (reply to 2,", 20) != NULL);
	CHECK(memmem(raw, rl, "esptap 0.0.1", 12) != NULL);
	free(raw);

	/* JSON Lines: session, the four records, summary. */
	char *j = slurp(js);
	int lines = 0;
	for (char *q = j; *q; q++)
		lines += *q == '\n';
	CHECK_EQ_U(lines, 6);
	CHECK(!strncmp(j, "{\"type\":\"session\",\"tool\":\"esptap\",\"version\":\"0.0.1\"", 50));
	CHECK(strstr(j, "{\"type\":\"raw\",\"frame\":1,\"t\":0.000001,\"dir\":\"chip>host\",\"text\":\"waiting for download\\n\"") != NULL);
	CHECK(strstr(j, "\"type\":\"response\",\"frame\":3,") != NULL);
	CHECK(strstr(j, "\"reply_to\":2,\"latency_ms\":1.0") != NULL);
	CHECK(strstr(j, "{\"type\":\"event\",\"frame\":4,\"t\":0.004000,\"dir\":\"none\",\"event\":\"baud\",\"baud\":460800") != NULL);
	CHECK(strstr(j, "{\"type\":\"summary\",\"records\":4,") != NULL);
	free(j);

	/* Text: a line per record, summary at the end. */
	char *t = slurp(tx);
	CHECK(strstr(t, "    0.002 -> SYNC") != NULL);
	CHECK(strstr(t, "    0.003 <- SYNC") != NULL && strstr(t, " ok (#2, 1.000 ms)") != NULL);
	CHECK(strstr(t, "    0.004 -- baud 460800\n") != NULL);
	CHECK(strstr(t, "-- summary: 2 frames (1 commands, 1 responses), 1 raw, 1 events") != NULL);
	free(t);

	/* An output that cannot be created: nothing opened, the path named. */
	so.jsonl_path = "/nonexistent-dir/x.jsonl";
	CHECK_EQ_U(esp_sinks_open(&so, &si, &s, &e), ESP_E_IO);
	CHECK_EQ_S(e.source, "/nonexistent-dir/x.jsonl");
	CHECK(s == NULL);
	unlink(pc);
	unlink(js);
	unlink(tx);
	CHECK_DONE(20);
}
