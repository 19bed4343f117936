/* gen_tables.c: prints the Lua tables of dissectors/esptap.lua (opcodes, errors, chips, unit kinds) from the C tables of src/core.
 *
 *   dissectors/gen_tables            the block, from its BEGIN line to its END line
 *
 * The dissector carries this block verbatim between the two marker lines, so
 * one file loads by hand with `tshark -X lua_script:`; `make dissector-tables`
 * rewrites the block, and tests/tshark/tables.sh fails when it has drifted.
 */
#include <stdio.h>

#include "core/esp_ops.h"
#include "core/event.h"

#define BEGIN_MARK "-- BEGIN GENERATED TABLES (dissectors/gen_tables.c from src/core; do not edit)"
#define END_MARK "-- END GENERATED TABLES"

/* Lua string literal: the tables hold plain ASCII, but stay safe. */
static void lstr(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7F)
			printf("\\%03u", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void errors(const char *name, const esp_err_info *t)
{
	printf("local %s = {\n", name);
	for (; t->name; t++) {
		printf("\t[0x%02X] = {name = ", t->code);
		lstr(t->name);
		printf(", text = ");
		lstr(t->text);
		printf("},\n");
	}
	printf("}\n");
}

int main(void)
{
	puts(BEGIN_MARK);
	/* opcode -> name, checksummed data command, never answered, response data length ROM/stub, wait */
	printf("local OPS = {\n");
	for (const esp_op_info *o = esp_ops; o->name; o++) {
		printf("\t[0x%02X] = {name = ", o->opcode);
		lstr(o->name);
		printf(", ck = %s, noreply = %s, rd_rom = %u, rd_stub = %u, timeout_ms = %u},\n",
		       o->has_checksum ? "true" : "false", o->no_reply ? "true" : "false", o->resp_data_rom,
		       o->resp_data_stub, o->timeout_ms);
	}
	printf("}\n");
	errors("ROM_ERRORS", esp_rom_errors);
	errors("STUB_ERRORS", esp_stub_errors);
	/* chips: name, pretty, security-info chip id, detect magics, ROM status bytes */
	printf("local CHIPS = {\n");
	for (int c = 1; c < ESP_CHIP_COUNT; c++) {
		const esp_chip_info *ci = &esp_chips[c];
		printf("\t{name = ");
		lstr(ci->name);
		printf(", pretty = ");
		lstr(ci->pretty);
		printf(", sec_id = %d, rom_status = %u, magic = {", ci->sec_info_chip_id, ci->rom_status_len);
		for (int i = 0; i < 4 && ci->magic[i]; i++)
			printf("%s0x%08X", i ? ", " : "", ci->magic[i]);
		printf("}},\n");
	}
	printf("}\n");
	printf("local CHIP_DETECT_MAGIC_REG = 0x%08X\n", ESP_CHIP_DETECT_MAGIC_REG);
	/* pseudo-header kinds (docs/linktype.md) */
	printf("local KINDS = {\n");
	for (int k = ESP_UNIT_FRAME; k <= ESP_UNIT_NOTE; k++) {
		printf("\t[%d] = ", k);
		lstr(esp_unit_kind_name((esp_unit_kind)k));
		printf(",\n");
	}
	printf("}\n");
	printf("local DIRS = {[%d] = ", ESP_DIR_NONE);
	lstr(esp_dir_name(ESP_DIR_NONE));
	printf(", [%d] = ", ESP_DIR_H2C);
	lstr(esp_dir_name(ESP_DIR_H2C));
	printf(", [%d] = ", ESP_DIR_C2H);
	lstr(esp_dir_name(ESP_DIR_C2H));
	printf("}\n");
	printf("local UF = {escape = 0x%04X, truncated = 0x%04X, checksum = 0x%04X, line = 0x%04X, "
	       "unterminated = 0x%04X, status = 0x%04X, malformed = 0x%04X}\n",
	       ESP_UF_ESCAPE_ERR, ESP_UF_TRUNCATED, ESP_UF_CHECKSUM_BAD, ESP_UF_LINE_ERR, ESP_UF_UNTERMINATED,
	       ESP_UF_STATUS_ERR, ESP_UF_MALFORMED);
	printf("local RESET_REASONS = {\n");
	for (int r = 0; r < 256; r++) {
		const char *n = esp_reset_reason_name((uint8_t)r);
		if (n) {
			printf("\t[0x%02X] = ", r);
			lstr(n);
			printf(",\n");
		}
	}
	printf("}\n");
	puts(END_MARK);
	return ferror(stdout) ? 1 : 0;
}
