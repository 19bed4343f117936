/* test_jsonl.c: JSON Lines records built from hand-made records: keys, order, values. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "write/jsonl.h"
#include "write/text.h"

#define FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static char *dump(json_t *j)
{
	char *s = json_dumps(j, FLAGS);
	json_decref(j);
	return s;
}

static int check_line(const char *got, const char *want, int line)
{
	if (got && !strcmp(got, want))
		return 1;
	fprintf(stderr, "line %d:\n got  %s\n want %s\n", line, got ? got : "(null)", want);
	return 0;
}
#define CHECK_JSON(j, want)                                                                        \
	do {                                                                                       \
		char *s_ = dump(j);                                                                \
		CHECK(check_line(s_, want, __LINE__));                                             \
		free(s_);                                                                          \
	} while (0)

int main(void)
{
	uint8_t data_cmd[40] = {0x00, 0x03};
	esp_unit u = {.frame_no = 7, .ts_ns = 1234567891, .dir = ESP_DIR_H2C, .kind = ESP_UNIT_FRAME,
		      .flags = ESP_UF_CHECKSUM_BAD, .wire = data_cmd, .wire_len = sizeof data_cmd,
		      .payload = data_cmd, .payload_len = sizeof data_cmd};
	esp_record r = {.type = ESP_REC_COMMAND, .unit = &u, .frame = 7, .ts_ns = u.ts_ns, .dir = ESP_DIR_H2C,
			.op = "FLASH_DATA", .opcode = 3, .mode = "rom", .has_seq = true, .seq = 3,
			.has_checksum = true, .ck_declared = 0x12, .ck_computed = 0x34};
	static const uint8_t blob[3] = {0xde, 0xad, 0x01};
	r.fields[r.n_fields++] = (esp_field){.name = "data_len", .type = ESP_F_UINT, .u = 16};
	r.fields[r.n_fields++] = (esp_field){.name = "addr", .type = ESP_F_HEX, .u = 0x40001000};
	r.fields[r.n_fields++] = (esp_field){.name = "data", .type = ESP_F_BYTES, .s = (const char *)blob, .len = 3};
	r.fields[r.n_fields++] = (esp_field){.name = "ok", .type = ESP_F_BOOL, .u = 1};
	r.fields[r.n_fields++] = (esp_field){.name = "chip", .type = ESP_F_STR, .s = "ESP32"};
	r.notes[r.n_notes++] = (esp_note){.level = ESP_NOTE_ERROR, .code = "checksum-mismatch", .text = "bad sum"};
	CHECK_JSON(esp_json_record(&r),
		   "{\"type\":\"command\",\"frame\":7,\"t\":1.234567,\"dir\":\"host>chip\",\"op\":\"FLASH_DATA\","
		   "\"opcode\":3,\"mode\":\"rom\",\"seq\":3,\"checksum\":{\"declared\":18,\"computed\":52,\"ok\":false},"
		   "\"fields\":{\"data_len\":16,\"addr\":1073745920,\"data\":\"dead01\",\"ok\":true,\"chip\":\"ESP32\"},"
		   "\"flags\":[\"checksum-bad\"],"
		   "\"notes\":[{\"level\":\"error\",\"code\":\"checksum-mismatch\",\"text\":\"bad sum\"}]}");

	char buf[512];
	esp_text_verdict(&r, buf, sizeof buf);
	CHECK_EQ_S(buf, "FLASH_DATA seq 3 checksum bad; checksum-mismatch");
	esp_text_format(&r, buf, sizeof buf);
	CHECK_EQ_S(buf, "    1.234 -> FLASH_DATA seq=3 data_len=16 addr=0x40001000 data=dead01 ok=yes chip=\"ESP32\" "
			"checksum BAD (declared 0x12, computed 0x34)");

	/* A response: status, error code, value, reply_to, latency; pseudo-op has opcode null. */
	esp_unit ur = {.frame_no = 8, .ts_ns = 1300000000, .dir = ESP_DIR_C2H, .kind = ESP_UNIT_FRAME};
	esp_record rr = {.type = ESP_REC_RESPONSE, .unit = &ur, .frame = 8, .ts_ns = ur.ts_ns, .dir = ESP_DIR_C2H,
			 .op = "FLASH_DATA", .opcode = 3, .mode = "rom", .has_status = true, .status_ok = false,
			 .status = "CHECKSUM_ERROR", .error = 7, .value = 0x20120707, .reply_to = 7,
			 .latency_ms = 65.4321};
	CHECK_JSON(esp_json_record(&rr),
		   "{\"type\":\"response\",\"frame\":8,\"t\":1.3,\"dir\":\"chip>host\",\"op\":\"FLASH_DATA\","
		   "\"opcode\":3,\"mode\":\"rom\",\"status\":\"CHECKSUM_ERROR\",\"error\":7,\"value\":538052359,"
		   "\"reply_to\":7,\"latency_ms\":65.432}");
	esp_text_verdict(&rr, buf, sizeof buf);
	CHECK_EQ_S(buf, "FLASH_DATA CHECKSUM_ERROR (reply to 7, 65.432 ms)");
	rr.op = "OHAI";
	rr.opcode = -1;
	rr.has_status = false;
	rr.reply_to = 0;
	CHECK_JSON(esp_json_record(&rr),
		   "{\"type\":\"response\",\"frame\":8,\"t\":1.3,\"dir\":\"chip>host\",\"op\":\"OHAI\","
		   "\"opcode\":null,\"mode\":\"rom\",\"value\":538052359,\"reply_to\":null,\"latency_ms\":null}");

	/* Raw: printable text, or capped hex with the full length. */
	esp_unit uraw = {.frame_no = 2, .ts_ns = 5, .dir = ESP_DIR_C2H, .kind = ESP_UNIT_RAW,
			 .wire = (const uint8_t *)"waiting for download\r\n", .wire_len = 22};
	esp_record rw = {.type = ESP_REC_RAW, .unit = &uraw, .frame = 2, .ts_ns = 5, .dir = ESP_DIR_C2H,
			 .opcode = -1, .text = "waiting for download\r\n", .text_len = 22};
	CHECK_JSON(esp_json_record(&rw), "{\"type\":\"raw\",\"frame\":2,\"t\":0.0,\"dir\":\"chip>host\","
					 "\"text\":\"waiting for download\\r\\n\",\"len\":22}");
	esp_text_format(&rw, buf, sizeof buf);
	CHECK_EQ_S(buf, "    0.000 <- \"waiting for download\\r\\n\"");
	uint8_t big[300];
	for (int i = 0; i < 300; i++)
		big[i] = (uint8_t)(0x80 + i % 16);
	uraw.wire = big;
	uraw.wire_len = sizeof big;
	rw.text = NULL;
	json_t *jr = esp_json_record(&rw);
	CHECK_EQ_U(strlen(json_string_value(json_object_get(jr, "hex"))), 2 * ESP_JSON_HEX_MAX);
	CHECK_EQ_U(json_integer_value(json_object_get(jr, "len")), 300);
	json_decref(jr);

	/* Events and timeouts. */
	esp_unit ub = {.frame_no = 9, .ts_ns = 2000001000, .kind = ESP_UNIT_BAUD, .value = 460800};
	esp_record rb = {.type = ESP_REC_EVENT, .unit = &ub, .frame = 9, .ts_ns = ub.ts_ns, .opcode = -1};
	CHECK_JSON(esp_json_record(&rb),
		   "{\"type\":\"event\",\"frame\":9,\"t\":2.000001,\"dir\":\"none\",\"event\":\"baud\",\"baud\":460800}");
	esp_unit um = {.frame_no = 10, .ts_ns = 3, .kind = ESP_UNIT_MODEM, .modem = ESP_MODEM_RTS, .value = 3};
	rb.unit = &um;
	rb.frame = 10;
	rb.ts_ns = 3;
	CHECK_JSON(esp_json_record(&rb), "{\"type\":\"event\",\"frame\":10,\"t\":0.0,\"dir\":\"none\",\"event\":\"modem\","
					 "\"dtr\":false,\"rts\":true,\"lines\":2,\"changed\":3}");
	esp_record rt = {.type = ESP_REC_TIMEOUT, .frame = 7, .ts_ns = 4234567000, .dir = ESP_DIR_NONE,
			 .op = "FLASH_DATA", .opcode = 3, .waited_ms = 3000.0004};
	CHECK_JSON(esp_json_record(&rt), "{\"type\":\"timeout\",\"frame\":7,\"t\":4.234567,\"dir\":\"none\","
					 "\"op\":\"FLASH_DATA\",\"opcode\":3,\"waited_ms\":3000.0}");
	esp_text_format(&rt, buf, sizeof buf);
	CHECK_EQ_S(buf, "    4.234 -- TIMEOUT FLASH_DATA (#7) after 3000.000 ms");

	/* Session and summary. */
	esp_session_info si = {.tool = "esptap 1.2.3", .verb = "decode", .source = "x.log",
			       .format = "esptool-trace", .ports = {"/dev/ttyUSB0", NULL},
			       .start_unix_ns = 1700000000123456789ull, .baud = 115200};
	CHECK_JSON(esp_json_session(&si),
		   "{\"type\":\"session\",\"tool\":\"esptap\",\"version\":\"1.2.3\",\"verb\":\"decode\","
		   "\"source\":\"x.log\",\"format\":\"esptool-trace\",\"flasher\":null,\"ports\":[\"/dev/ttyUSB0\"],"
		   "\"start\":\"2023-11-14T22:13:20.123456Z\",\"baud\":115200}");
	si.start_unix_ns = 0;
	si.baud = 0;
	json_t *js = esp_json_session(&si);
	CHECK(json_is_null(json_object_get(js, "start")) && json_is_null(json_object_get(js, "baud")));
	json_decref(js);

	static esp_summary sum;
	sum.chip = ESP_CHIP_ESP32;
	sum.stub = true;
	sum.baud_initial = 115200;
	sum.baud_final = 460800;
	sum.op_count[ESP_SYNC] = 1;
	sum.op_count[ESP_FLASH_DEFL_DATA] = 2;
	sum.op_count[0x77] = 1;
	esp_region reg = {.offset = 0x1000, .size = 4096, .blocks_announced = 2, .blocks_seen = 2,
			  .block_size = 0x4000, .compressed = true, .bytes_written = 4096, .verify = 1,
			  .has_image = true, .image_mode = 2, .image_size_nib = 2, .image_freq_nib = 0};
	strcpy(reg.md5, "0123456789abcdef0123456789abcdef");
	strcpy(reg.md5_chip, reg.md5);
	sum.regions = &reg;
	sum.n_regions = 1;
	json_t *jsum = esp_json_summary(&sum, 42);
	CHECK_EQ_S(json_string_value(json_object_get(jsum, "chip")), "esp32");
	CHECK_EQ_U(json_integer_value(json_object_get(jsum, "records")), 42);
	json_t *ops = json_object_get(jsum, "ops");
	CHECK_EQ_U(json_object_size(ops), 3);
	CHECK_EQ_U(json_integer_value(json_object_get(ops, "FLASH_DEFL_DATA")), 2);
	CHECK_EQ_U(json_integer_value(json_object_get(ops, "0x77")), 1);
	json_t *r0 = json_array_get(json_object_get(jsum, "regions"), 0);
	CHECK_EQ_S(json_string_value(json_object_get(r0, "verify")), "ok");
	CHECK_EQ_S(json_string_value(json_object_get(json_object_get(r0, "image"), "mode")), "DIO");
	CHECK_EQ_S(json_string_value(json_object_get(json_object_get(r0, "image"), "size")), "4MB");
	CHECK(json_is_array(json_object_get(jsum, "findings")));
	json_decref(jsum);
	jsum = esp_json_summary(NULL, 3);
	CHECK_JSON(jsum, "{\"type\":\"summary\",\"records\":3,\"findings\":[]}");

	/* The file writer: one object per line, session first, summary last. */
	char path[] = "/tmp/esptap-test-jsonl-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	esp_jsonl *j = NULL;
	esp_error e = {0};
	CHECK_EQ_U(esp_jsonl_open(path, &j, &e), ESP_OK);
	CHECK_EQ_U(esp_jsonl_session(j, &si, &e), ESP_OK);
	CHECK_EQ_U(esp_jsonl_record(j, &r, &e), ESP_OK);
	CHECK_EQ_U(esp_jsonl_summary(j, &sum, 1, &e), ESP_OK);
	CHECK_EQ_U(esp_jsonl_close(j, &e), ESP_OK);
	FILE *f = fopen(path, "r");
	char line[4096];
	int lines = 0;
	const char *want_type[] = {"session", "command", "summary"};
	while (fgets(line, sizeof line, f)) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);
		CHECK(o != NULL);
		if (o && lines < 3)
			CHECK_EQ_S(json_string_value(json_object_get(o, "type")), want_type[lines]);
		json_decref(o);
		lines++;
	}
	fclose(f);
	CHECK_EQ_U(lines, 3);
	unlink(path);
	CHECK_EQ_U(esp_jsonl_open("/nonexistent-dir/t.jsonl", &j, &e), ESP_E_IO);
	CHECK_EQ_S(e.source, "/nonexistent-dir/t.jsonl");
	CHECK_DONE(40);
}
