-- esptap.lua: Wireshark dissector for esptap captures: the ESP ROM/stub serial bootloader protocol
-- behind esptap's pseudo-header (docs/linktype.md).
--
-- Load by hand:  tshark -X lua_script:dissectors/esptap.lua -r capture.pcapng
-- or copy into Wireshark's Lua plugin folder (`make install` does; Help > About > Folders).
-- Wireshark 4.0 (Lua 5.2) and later (Lua 5.4): bit operations through the `bit` library only.
--
-- What it does: checks the pseudo-header (magic "ESPT", version 1) and hands any other packet
-- on its USER slot to whatever had the slot before; unescapes SLIP; decodes every command and
-- response (opcode, size, checksum recomputed, payload fields, value, 2- or 4-byte status in ROM
-- or stub order), OHAI, the READ_FLASH stream (data, acks, digest), console text and line events.
-- Requests and responses are linked on the first pass into a table indexed by frame number
-- (one state machine, O(1) per packet); expert info flags errors. Field names follow esptap's
-- JSON Lines keys where they exist, so `esptap decode -j` and tshark can be compared.

-- BEGIN GENERATED TABLES (dissectors/gen_tables.c from src/core; do not edit)
local OPS = {
	[0x02] = {name = "FLASH_BEGIN", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x03] = {name = "FLASH_DATA", ck = true, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x04] = {name = "FLASH_END", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x05] = {name = "MEM_BEGIN", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x06] = {name = "MEM_END", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 200},
	[0x07] = {name = "MEM_DATA", ck = true, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x08] = {name = "SYNC", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 100},
	[0x09] = {name = "WRITE_REG", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x0A] = {name = "READ_REG", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x0B] = {name = "SPI_SET_PARAMS", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x0C] = {name = "PIN_READ", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x0D] = {name = "SPI_ATTACH", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x0E] = {name = "READ_FLASH_SLOW", ck = false, noreply = false, rd_rom = 64, rd_stub = 64, timeout_ms = 3000},
	[0x0F] = {name = "CHANGE_BAUDRATE", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x10] = {name = "FLASH_DEFL_BEGIN", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x11] = {name = "FLASH_DEFL_DATA", ck = true, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x12] = {name = "FLASH_DEFL_END", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x13] = {name = "SPI_FLASH_MD5", ck = false, noreply = false, rd_rom = 32, rd_stub = 16, timeout_ms = 3000},
	[0x14] = {name = "GET_SECURITY_INFO", ck = false, noreply = false, rd_rom = 20, rd_stub = 20, timeout_ms = 3000},
	[0x19] = {name = "SDC_VERIF_BEGIN", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x1A] = {name = "SDC_VERIF_DATA", ck = true, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x1B] = {name = "SDC_VERIF_END", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x1C] = {name = "SDC_GEN_BEGIN", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x1D] = {name = "SDC_GEN_DATA", ck = true, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0x1E] = {name = "SDC_GEN_END", ck = false, noreply = false, rd_rom = 64, rd_stub = 64, timeout_ms = 3000},
	[0xD0] = {name = "ERASE_FLASH", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 120000},
	[0xD1] = {name = "ERASE_REGION", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD2] = {name = "READ_FLASH", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD3] = {name = "RUN_USER_CODE", ck = false, noreply = true, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD4] = {name = "FLASH_ENCRYPT_DATA", ck = true, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD5] = {name = "SPI_NAND_ATTACH", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD6] = {name = "SPI_NAND_READ_SPARE", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD7] = {name = "SPI_NAND_WRITE_SPARE", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD8] = {name = "SPI_NAND_READ_FLASH", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xD9] = {name = "SPI_NAND_WRITE_FLASH_BEGIN", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xDA] = {name = "SPI_NAND_WRITE_FLASH_DATA", ck = true, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xDB] = {name = "SPI_NAND_ERASE_FLASH", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 120000},
	[0xDC] = {name = "SPI_NAND_ERASE_REGION", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xDD] = {name = "SPI_NAND_READ_PAGE_DEBUG", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
	[0xDE] = {name = "SPI_NAND_WRITE_FLASH_END", ck = false, noreply = false, rd_rom = 0, rd_stub = 0, timeout_ms = 3000},
}
local ROM_ERRORS = {
	[0x00] = {name = "UNDEFINED", text = "undefined error"},
	[0x01] = {name = "INVALID_INPUT", text = "the input parameter is invalid"},
	[0x02] = {name = "MALLOC_FAILED", text = "failed to allocate memory"},
	[0x03] = {name = "SEND_FAILED", text = "failed to send out message"},
	[0x04] = {name = "RECV_FAILED", text = "failed to receive message"},
	[0x05] = {name = "INVALID_MESSAGE", text = "invalid message format (or unsupported command)"},
	[0x06] = {name = "RESULT_WRONG", text = "message is ok, but the running result is wrong"},
	[0x07] = {name = "CHECKSUM_ERROR", text = "checksum error"},
	[0x08] = {name = "FLASH_WRITE_ERROR", text = "flash write error"},
	[0x09] = {name = "FLASH_READ_ERROR", text = "flash read error"},
	[0x0A] = {name = "FLASH_READ_LENGTH_ERROR", text = "flash read length error"},
	[0x0B] = {name = "DEFLATE_ERROR", text = "deflate failed"},
	[0x0C] = {name = "DEFLATE_ADLER32_ERROR", text = "deflate Adler32 error"},
	[0x0D] = {name = "DEFLATE_PARAM_ERROR", text = "deflate parameter error"},
	[0x0E] = {name = "INVALID_RAM_SIZE", text = "invalid RAM binary size"},
	[0x0F] = {name = "INVALID_RAM_ADDR", text = "invalid RAM binary address"},
	[0x64] = {name = "INVALID_PARAMETER", text = "invalid parameter"},
	[0x65] = {name = "INVALID_FORMAT", text = "invalid format"},
	[0x66] = {name = "DESCRIPTION_TOO_LONG", text = "description too long"},
	[0x67] = {name = "BAD_ENCODING", text = "bad encoding description"},
	[0x69] = {name = "INSUFFICIENT_STORAGE", text = "insufficient storage"},
}
local STUB_ERRORS = {
	[0xC0] = {name = "BAD_DATA_LEN", text = "bad data length"},
	[0xC1] = {name = "BAD_DATA_CHECKSUM", text = "bad data checksum"},
	[0xC2] = {name = "BAD_BLOCKSIZE", text = "bad block size"},
	[0xC3] = {name = "INVALID_COMMAND", text = "invalid command"},
	[0xC4] = {name = "FAILED_SPI_OP", text = "failed SPI operation"},
	[0xC5] = {name = "FAILED_SPI_UNLOCK", text = "failed SPI unlock"},
	[0xC6] = {name = "NOT_IN_FLASH_MODE", text = "not in flash mode"},
	[0xC7] = {name = "INFLATE_ERROR", text = "inflate error"},
	[0xC8] = {name = "NOT_ENOUGH_DATA", text = "not enough data"},
	[0xC9] = {name = "TOO_MUCH_DATA", text = "too much data"},
	[0xCA] = {name = "NAND_PROGRAM_FAILED", text = "NAND program failed"},
	[0xCB] = {name = "NAND_ERASE_FAILED", text = "NAND erase failed"},
	[0xFF] = {name = "CMD_NOT_IMPLEMENTED", text = "command not implemented"},
}
local CHIPS = {
	{name = "esp8266", pretty = "ESP8266", sec_id = -1, rom_status = 2, magic = {0xFFF0C101}},
	{name = "esp32", pretty = "ESP32", sec_id = -1, rom_status = 4, magic = {0x00F01D83}},
	{name = "esp32s2", pretty = "ESP32-S2", sec_id = -1, rom_status = 4, magic = {0x000007C6}},
	{name = "esp32s3", pretty = "ESP32-S3", sec_id = 9, rom_status = 4, magic = {0x00000009}},
	{name = "esp32c3", pretty = "ESP32-C3", sec_id = 5, rom_status = 4, magic = {0x6921506F, 0x1B31506F, 0x4881606F, 0x4361606F}},
	{name = "esp32c2", pretty = "ESP32-C2", sec_id = 12, rom_status = 4, magic = {0x6F51306F, 0x7C41A06F, 0x0C21E06F}},
	{name = "esp32c6", pretty = "ESP32-C6", sec_id = 13, rom_status = 4, magic = {0x2CE0806F}},
	{name = "esp32h2", pretty = "ESP32-H2", sec_id = 16, rom_status = 4, magic = {0xD7B73E80}},
	{name = "esp32p4", pretty = "ESP32-P4", sec_id = 18, rom_status = 4, magic = {0x0ADDBAD0}},
	{name = "esp32c61", pretty = "ESP32-C61", sec_id = 20, rom_status = 4, magic = {0x33F0206F, 0x2421606F}},
	{name = "esp32c5", pretty = "ESP32-C5", sec_id = 23, rom_status = 4, magic = {0x1101406F}},
}
local CHIP_DETECT_MAGIC_REG = 0x40001000
local KINDS = {
	[1] = "frame",
	[2] = "raw",
	[3] = "baud",
	[4] = "modem",
	[5] = "break",
	[6] = "line-error",
	[7] = "gap",
	[8] = "note",
}
local DIRS = {[0] = "none", [1] = "host>chip", [2] = "chip>host"}
local UF = {escape = 0x0001, truncated = 0x0002, checksum = 0x0004, line = 0x0008, unterminated = 0x0010, status = 0x0020, malformed = 0x0040}
local RESET_REASONS = {
	[0x01] = "POWERON_RESET",
	[0x03] = "SW_RESET",
	[0x04] = "OWDT_RESET",
	[0x05] = "DEEPSLEEP_RESET",
	[0x06] = "SDIO_RESET",
	[0x07] = "TG0WDT_SYS_RESET",
	[0x08] = "TG1WDT_SYS_RESET",
	[0x09] = "RTCWDT_SYS_RESET",
	[0x0A] = "INTRUSION_RESET",
	[0x0B] = "TGWDT_CPU_RESET",
	[0x0C] = "SW_CPU_RESET",
	[0x0D] = "RTCWDT_CPU_RESET",
	[0x0E] = "EXT_CPU_RESET",
	[0x0F] = "RTCWDT_BROWN_OUT_RESET",
	[0x10] = "RTCWDT_RTC_RESET",
}
-- END GENERATED TABLES

local bxor, band = bit.bxor, bit.band
local sbyte, ssub, sfmt = string.byte, string.sub, string.format

local OP_SYNC, OP_READ_REG, OP_GET_SEC, OP_MEM_END = 0x08, 0x0A, 0x14, 0x06
local OP_READ_FLASH, OP_MD5, OP_BAUD, OP_ERASE_REGION = 0xD2, 0x13, 0x0F, 0xD1
local OP_FLASH_BEGIN, OP_DEFL_BEGIN = 0x02, 0x10
local ROM_ERR_UNSUPPORTED = 0x05

local p = Proto("esptap", "ESP serial bootloader (esptap)")

---------------------------------------------------------------------------------------------
-- fields
local op_vals, kind_vals, dir_vals = {}, {}, {}
for k, v in pairs(OPS) do op_vals[k] = v.name end
for k, v in pairs(KINDS) do kind_vals[k] = v end
for k, v in pairs(DIRS) do dir_vals[k] = v end

local f = {
	magic = ProtoField.string("esptap.magic", "Magic"),
	version = ProtoField.uint8("esptap.version", "Version"),
	hdr_len = ProtoField.uint8("esptap.hdr_len", "Header length"),
	dir = ProtoField.uint8("esptap.dir", "Direction", base.DEC, dir_vals),
	kind = ProtoField.uint8("esptap.kind", "Kind", base.DEC, kind_vals),
	flags = ProtoField.uint16("esptap.flags", "Flags", base.HEX),
	fl_escape = ProtoField.bool("esptap.flags.escape_error", "Escape error", 16, nil, UF.escape),
	fl_trunc = ProtoField.bool("esptap.flags.truncated", "Truncated", 16, nil, UF.truncated),
	fl_ck = ProtoField.bool("esptap.flags.checksum_bad", "Checksum bad", 16, nil, UF.checksum),
	fl_line = ProtoField.bool("esptap.flags.line_error", "UART framing/parity error", 16, nil, UF.line),
	fl_unterm = ProtoField.bool("esptap.flags.unterminated", "Unterminated", 16, nil, UF.unterminated),
	fl_status = ProtoField.bool("esptap.flags.status_error", "Error status", 16, nil, UF.status),
	fl_malformed = ProtoField.bool("esptap.flags.malformed", "Malformed", 16, nil, UF.malformed),
	modem = ProtoField.uint8("esptap.modem", "Modem lines", base.HEX),
	m_dtr = ProtoField.bool("esptap.modem.dtr", "DTR", 8, nil, 0x01),
	m_rts = ProtoField.bool("esptap.modem.rts", "RTS", 8, nil, 0x02),
	m_cts = ProtoField.bool("esptap.modem.cts", "CTS", 8, nil, 0x04),
	m_dsr = ProtoField.bool("esptap.modem.dsr", "DSR", 8, nil, 0x08),
	m_dcd = ProtoField.bool("esptap.modem.dcd", "DCD", 8, nil, 0x10),
	m_ri = ProtoField.bool("esptap.modem.ri", "RI", 8, nil, 0x20),
	baud = ProtoField.uint32("esptap.baud", "Baud rate in force"),
	ev_value = ProtoField.uint32("esptap.event_value", "Event value"),
	-- decoded
	type = ProtoField.string("esptap.type", "Record type"),
	opname = ProtoField.string("esptap.opname", "Operation"),
	mode = ProtoField.string("esptap.mode", "Loader"),
	slip_len = ProtoField.uint32("esptap.slip.wire_len", "Bytes on the wire"),
	pkt_dir = ProtoField.uint8("esptap.pkt_dir", "Direction byte", base.HEX),
	op = ProtoField.uint8("esptap.op", "Opcode", base.HEX, op_vals),
	size = ProtoField.uint16("esptap.size", "Size"),
	checksum = ProtoField.uint32("esptap.checksum", "Checksum", base.HEX),
	ck_computed = ProtoField.uint8("esptap.checksum.computed", "Checksum computed", base.HEX),
	ck_good = ProtoField.bool("esptap.checksum.good", "Checksum good"),
	value = ProtoField.uint32("esptap.value", "Value", base.HEX),
	status = ProtoField.string("esptap.status", "Status"),
	status_ok = ProtoField.bool("esptap.status_ok", "Status OK"),
	status_bytes = ProtoField.bytes("esptap.status_bytes", "Status bytes"),
	error = ProtoField.uint8("esptap.error", "Error code", base.HEX),
	error_text = ProtoField.string("esptap.error_text", "Error"),
	data_len = ProtoField.uint32("esptap.data_len", "Data length"),
	seq = ProtoField.uint32("esptap.seq", "Sequence"),
	data = ProtoField.bytes("esptap.data", "Data"),
	fl_erase = ProtoField.uint32("esptap.flash.erase_size", "Erase size"),
	fl_size = ProtoField.uint32("esptap.flash.size", "Size"),
	fl_blocks = ProtoField.uint32("esptap.flash.num_blocks", "Blocks"),
	fl_bsize = ProtoField.uint32("esptap.flash.block_size", "Block size"),
	fl_offset = ProtoField.uint32("esptap.flash.offset", "Offset", base.HEX),
	fl_enc = ProtoField.uint32("esptap.flash.encrypted", "Encrypted"),
	end_flag = ProtoField.uint32("esptap.end.flag", "Flag (0 = reboot)"),
	mem_size = ProtoField.uint32("esptap.mem.size", "Size"),
	mem_blocks = ProtoField.uint32("esptap.mem.num_blocks", "Blocks"),
	mem_bsize = ProtoField.uint32("esptap.mem.block_size", "Block size"),
	mem_addr = ProtoField.uint32("esptap.mem.addr", "Load address", base.HEX),
	mem_entry = ProtoField.uint32("esptap.mem.entry", "Entry point", base.HEX),
	sync_ok = ProtoField.bool("esptap.sync.pattern_ok", "SYNC pattern OK"),
	reg_addr = ProtoField.uint32("esptap.reg.addr", "Register", base.HEX),
	reg_value = ProtoField.uint32("esptap.reg.value", "Value", base.HEX),
	reg_mask = ProtoField.uint32("esptap.reg.mask", "Mask", base.HEX),
	reg_delay = ProtoField.uint32("esptap.reg.delay_us", "Delay (us)"),
	spi_id = ProtoField.uint32("esptap.spi.id", "Flash id"),
	spi_total = ProtoField.uint32("esptap.spi.total_size", "Total size"),
	spi_block = ProtoField.uint32("esptap.spi.block_size", "Block size"),
	spi_sector = ProtoField.uint32("esptap.spi.sector_size", "Sector size"),
	spi_page = ProtoField.uint32("esptap.spi.page_size", "Page size"),
	spi_mask = ProtoField.uint32("esptap.spi.status_mask", "Status mask", base.HEX),
	spi_config = ProtoField.uint32("esptap.spi.config", "Pin config", base.HEX),
	spi_extra = ProtoField.uint32("esptap.spi.rom_extra", "ROM extra word", base.HEX),
	rd_offset = ProtoField.uint32("esptap.read.offset", "Offset", base.HEX),
	rd_length = ProtoField.uint32("esptap.read.length", "Length"),
	rd_psize = ProtoField.uint32("esptap.read.packet_size", "Packet size"),
	rd_inflight = ProtoField.uint32("esptap.read.max_in_flight", "Max in flight"),
	rd_acked = ProtoField.uint32("esptap.read.acked", "Bytes acknowledged"),
	md5_addr = ProtoField.uint32("esptap.md5.addr", "Address", base.HEX),
	md5_size = ProtoField.uint32("esptap.md5.size", "Size"),
	md5 = ProtoField.string("esptap.md5", "MD5"),
	baud_new = ProtoField.uint32("esptap.baud.new", "New baud"),
	baud_old = ProtoField.uint32("esptap.baud.old", "Old baud (0: ROM)"),
	erase_offset = ProtoField.uint32("esptap.erase.offset", "Offset", base.HEX),
	erase_size = ProtoField.uint32("esptap.erase.size", "Size"),
	sec_flags = ProtoField.uint32("esptap.sec.flags", "Security flags", base.HEX),
	sec_cnt = ProtoField.uint8("esptap.sec.flash_crypt_cnt", "Flash crypt count"),
	sec_keys = ProtoField.bytes("esptap.sec.key_purposes", "Key purposes"),
	sec_chip = ProtoField.uint32("esptap.sec.chip_id", "Chip id"),
	sec_api = ProtoField.uint32("esptap.sec.api_version", "API version"),
	sdc_arg = ProtoField.uint32("esptap.sdc.arg", "Argument"),
	chip = ProtoField.string("esptap.chip", "Chip"),
	text = ProtoField.string("esptap.text", "Text"),
	response_in = ProtoField.framenum("esptap.response_in", "Response in", base.NONE, frametype.RESPONSE),
	response_to = ProtoField.framenum("esptap.response_to", "Response to", base.NONE, frametype.REQUEST),
	time = ProtoField.relative_time("esptap.time", "Time since request"),
	note = ProtoField.string("esptap.note", "Note"),
}
local flist = {}
for _, v in pairs(f) do flist[#flist + 1] = v end
p.fields = flist

local G, SEV = expert.group, expert.severity
local e = {
	error_status = ProtoExpert.new("esptap.expert.error_status", "Error status", G.RESPONSE_CODE, SEV.ERROR),
	unsupported = ProtoExpert.new("esptap.expert.unsupported", "Command rejected as unsupported (expected in chip detection)",
		G.RESPONSE_CODE, SEV.NOTE),
	checksum = ProtoExpert.new("esptap.expert.checksum_bad", "Checksum mismatch", G.CHECKSUM, SEV.ERROR),
	escape = ProtoExpert.new("esptap.expert.escape_error", "SLIP escape error", G.MALFORMED, SEV.ERROR),
	truncated = ProtoExpert.new("esptap.expert.truncated", "Truncated frame", G.MALFORMED, SEV.ERROR),
	malformed = ProtoExpert.new("esptap.expert.malformed", "Malformed frame", G.MALFORMED, SEV.ERROR),
	line = ProtoExpert.new("esptap.expert.line_error", "Line error", G.PROTOCOL, SEV.WARN),
	reset = ProtoExpert.new("esptap.expert.chip_reset", "Chip reset during the session", G.SEQUENCE, SEV.WARN),
	boot = ProtoExpert.new("esptap.expert.chip_boot", "Chip boot banner", G.SEQUENCE, SEV.NOTE),
	no_response = ProtoExpert.new("esptap.expert.no_response", "Request without response", G.SEQUENCE, SEV.WARN),
	unsolicited = ProtoExpert.new("esptap.expert.unsolicited", "Response without request", G.SEQUENCE, SEV.WARN),
	late = ProtoExpert.new("esptap.expert.late_reply", "Reply after the host gave up", G.SEQUENCE, SEV.WARN),
	stub = ProtoExpert.new("esptap.expert.stub_running", "Flasher stub running", G.SEQUENCE, SEV.CHAT),
}
local elist = {}
for _, v in pairs(e) do elist[#elist + 1] = v end
p.experts = elist

p.prefs.user_slot = Pref.uint("USER link-type slot", 0,
	"0..15: LINKTYPE_USER0 (147) .. USER15 (162); esptap writes USER0 unless --linktype says otherwise")

---------------------------------------------------------------------------------------------
-- helpers
local function u32(s, i)
	local a, b, c, d = sbyte(s, i, i + 3)
	if not d then return nil end
	return a + b * 256 + c * 65536 + d * 16777216
end

local function u16(s, i)
	local a, b = sbyte(s, i, i + 1)
	if not b then return nil end
	return a + b * 256
end

local function xor_checksum(s, i, j)
	local acc = 0xEF
	while i <= j do
		local k = i + 199
		if k > j then k = j end
		acc = bxor(acc, sbyte(s, i, k))
		i = k + 1
	end
	return band(acc, 0xFF)
end

-- Wire bytes (delimiters included) -> unescaped contents, escape error?
local function unslip(w)
	local i, j = 1, #w
	if sbyte(w, 1) == 0xC0 then i = 2 end
	if j >= i and sbyte(w, j) == 0xC0 then j = j - 1 end
	local body = ssub(w, i, j)
	if not body:find("\219", 1, true) then return body, false end
	local bad = body:find("\219[^\220\221]") ~= nil or sbyte(body, -1) == 0xDB
	body = body:gsub("\219([\220\221])", function(c) return c == "\220" and "\192" or "\219" end)
	return body, bad
end

local function chip_by_magic(v)
	for _, c in ipairs(CHIPS) do
		for _, m in ipairs(c.magic) do if m == v then return c end end
	end
end

local function chip_by_sec(id)
	for _, c in ipairs(CHIPS) do if c.sec_id == id then return c end end
end

local function nstime(sec)
	local s = math.floor(sec)
	return NSTime.new(s, math.floor((sec - s) * 1e9 + 0.5))
end

local function per_mb(min_ms, s_per_mb, size)
	local ms = s_per_mb * 1000 * size / 1e6
	return ms > min_ms and ms or min_ms
end

---------------------------------------------------------------------------------------------
-- first pass: one state machine over the packets in order; results per frame in FR
local FR, S

local function new_state()
	return {mode = nil, chip = nil, detecting = true, pend = nil, frames = 0, last_ts = 0,
		sync = nil, unsup = nil, late = nil, mem_end = nil, expect_ohai = false,
		rf = {active = false, awaiting = false}, last_data_op = nil, last_data_seq = nil}
end

local function reset_state()
	FR, S = {}, new_state()
end
p.init = reset_state -- a new file, or a re-dissection from scratch
reset_state()

local function pair(info, req_frame, req_ts, ts)
	info.req = req_frame
	info.rtime = ts - req_ts
	local r = FR[req_frame]
	if r and not r.resp_in then r.resp_in = info.num end
end

local function status_error(info)
	info.err_status = true
end

local function pick_format(op, n, b)
	local oi = OPS[op]
	local rd_rom, rd_stub = oi and oi.rd_rom or 0, oi and oi.rd_stub or 0
	local rom4, rom2, stub = {4, false, rd_rom}, {2, false, rd_rom}, {2, true, rd_stub}
	local order
	if S.mode == "stub" then order = {stub, rom4, rom2}
	elseif S.mode == "rom" then
		if S.chip and S.chip.rom_status == 2 then order = {rom2, rom4, stub} else order = {rom4, rom2, stub} end
	else order = {rom4, stub, rom2} end
	for _, fm in ipairs(order) do
		if n == fm[3] + fm[1] then
			local isstub = fm[2]
			if not S.mode and fm[1] == 2 and rd_rom == rd_stub then isstub = sbyte(b, n - 1) >= 0xC0 end
			return fm[1], isstub, fm[3]
		end
	end
	local fm = order[1]
	if not S.mode then fm = (n >= 4 + rd_rom) and rom4 or stub end
	local rd = fm[3]
	if rd + fm[1] > n then rd = n > fm[1] and n - fm[1] or 0 end
	return fm[1], fm[2], rd
end

-- Status bytes of a response body b (n bytes after the header): fills info, returns stub order?
local function do_status(info, op, b, n)
	local slen, isstub, rd = pick_format(op, n, b)
	info.rd = rd
	if n < rd + 2 then
		info.malformed = "only " .. math.max(n - rd, 0) .. " status byte(s)"
		info.rd = n
		return false
	end
	local sl = (n - rd >= slen) and slen or 2
	info.slen = sl
	local s0, s1 = sbyte(b, rd + 1, rd + 2)
	info.ok = s0 == 0
	local et
	if isstub then info.error = s0; et = STUB_ERRORS[s0] else info.error = s1; et = ROM_ERRORS[s1] end
	info.stubfmt = isstub
	info.status = info.ok and "ok" or (et and et.name) or sfmt("ERROR_0x%02X", info.error)
	info.error_text = (not info.ok and et) and et.text or nil
	if not S.mode and (slen == 4 or (not isstub and not info.ok)) then S.mode = "rom"
	elseif not S.mode and isstub and not info.ok then S.mode = "stub" end
	info.mode = S.mode
	return isstub
end

local function give_up(info, ts)
	local pd = S.pend
	if not pd then return end
	if not pd.optional then
		FR[pd.frame].no_resp = true
		S.late = pd
	end
	S.pend = nil
end

local function do_command(info, pl, n, ts)
	local op = sbyte(pl, 2)
	local oi = OPS[op]
	info.type, info.op = "command", op
	info.opname = oi and oi.name or sfmt("UNKNOWN_0x%02X", op)
	if S.rf.active or S.rf.awaiting then S.rf.active, S.rf.awaiting = false, false end
	give_up(info, ts)
	if op ~= OP_SYNC and op ~= OP_READ_REG and op ~= OP_GET_SEC then S.detecting = false end
	info.mode = S.mode
	local size = u16(pl, 3)
	local blen = math.min(size, n - 8)
	local b = ssub(pl, 9, 8 + blen)
	local pd
	if not (oi and oi.noreply) then
		pd = {frame = info.num, op = op, ts = ts, timeout = oi and oi.timeout_ms or 3000}
		S.pend = pd
		info.is_req = true
	end
	if oi and oi.ck then
		local dlen, seq = u32(b, 1), u32(b, 5)
		if seq and blen >= 16 then
			info.seq, info.dlen = seq, dlen
			info.ck_decl = u32(pl, 5)
			info.ck_comp = xor_checksum(b, 17, blen)
			info.ck_bad = info.ck_decl ~= info.ck_comp
			info.retry = S.last_data_op == op and S.last_data_seq == seq
			S.last_data_op, S.last_data_seq = op, seq
		end
		return
	end
	local w0, w1, w2 = u32(b, 1), u32(b, 5), u32(b, 9)
	if op == OP_FLASH_BEGIN or op == OP_DEFL_BEGIN then
		S.last_data_op = nil
		if pd and w0 and S.mode ~= "stub" then pd.timeout = per_mb(pd.timeout, 30, w0) end
	elseif op == 0x05 then
		S.last_data_op = nil
	elseif op == OP_MEM_END and w1 then
		if w0 == 0 and w1 ~= 0 then
			S.expect_ohai = true
			S.mem_end = {frame = info.num, ts = ts}
			if pd and S.mode ~= "stub" then pd.optional = true end
		end
	elseif op == OP_READ_REG and pd then
		pd.addr = w0
	elseif op == OP_ERASE_REGION and pd and w1 then
		pd.timeout = per_mb(pd.timeout, 30, w1)
	elseif op == OP_MD5 and pd and w1 then
		pd.timeout = per_mb(pd.timeout, 8, w1)
	elseif op == OP_BAUD and pd then
		pd.new_baud = w0
	elseif op == OP_READ_FLASH and pd and w2 then
		S.rf = {awaiting = true, active = false, offset = w0, length = w1, psize = w2, received = 0,
			frame = info.num, last_ts = ts}
	end
end

local function unsup_repeat(info, op, pl)
	local u = S.unsup
	if not u or (S.pend and S.pend.op == u.req_op) then return false end
	if not (u.bytes == pl or (op == u.op and not (S.pend and S.pend.op == op))) then return false end
	pair(info, u.frame, u.ts, info.ts)
	info.opname = OPS[u.req_op] and OPS[u.req_op].name or info.opname
	info.extra = true
	-- the ROM sends its rejection several times: the copies are repeats, not new rejections
	if u.expected then info.unsup_extra = true else status_error(info) end
	return true
end

local function do_response(info, pl, n, ts)
	local op = sbyte(pl, 2)
	local oi = OPS[op]
	info.type, info.op = "response", op
	info.opname = oi and oi.name or nil
	info.mode = S.mode
	info.value = u32(pl, 5)
	local size = u16(pl, 3)
	local blen = math.min(size, n - 8)
	local b = ssub(pl, 9, 8 + blen)
	local isstub = do_status(info, op, b, blen)
	if info.malformed then return end
	local failed = not info.ok
	local unsup = failed and not isstub and info.error == ROM_ERR_UNSUPPORTED
	if unsup and unsup_repeat(info, op, pl) then return end
	local req = S.pend
	if req and req.op ~= op and not unsup then req = nil end
	if req and unsup and req.optional then req = nil end
	if req then
		pair(info, req.frame, req.ts, ts)
		if req.op ~= op then info.opname = OPS[req.op] and OPS[req.op].name or info.opname end
		if unsup then
			local expected = S.mode ~= "stub" and (req.op == OP_GET_SEC or (S.detecting and not S.unsup))
			if expected then info.unsup_expected = true else status_error(info) end
			S.unsup = {frame = req.frame, ts = req.ts, op = op, req_op = req.op, expected = expected,
				bytes = n <= 16 and pl or nil}
		elseif failed then
			status_error(info)
		end
		local rop = req.op
		if rop == OP_SYNC then
			if info.value ~= 0 and S.mode ~= "rom" then S.mode = "rom"
			elseif info.value == 0 and info.ok and S.mode ~= "stub" then S.mode = "stub" end
			info.mode = S.mode
			S.sync = {frame = req.frame, ts = req.ts}
		elseif rop == OP_READ_REG and info.ok and req.addr == CHIP_DETECT_MAGIC_REG then
			local c = chip_by_magic(info.value)
			if c then S.chip = c; S.detecting = false; info.chip = c.name end
		elseif rop == OP_GET_SEC and info.ok and info.rd >= 20 then
			local c = chip_by_sec(u32(b, 13))
			if c then S.chip = c; S.detecting = false; info.chip = c.name end
		elseif rop == OP_READ_FLASH and info.ok and S.rf.awaiting then
			S.rf.awaiting, S.rf.active, S.rf.last_ts = false, true, ts
		end
		S.pend = nil
		return
	end
	if failed then status_error(info) end
	if op == OP_SYNC and S.sync then
		pair(info, S.sync.frame, S.sync.ts, ts)
		info.extra = true
	elseif S.late and S.late.op == op then
		pair(info, S.late.frame, S.late.ts, ts)
		info.late = true
		S.late = nil
	else
		info.unsolicited = true
	end
end

local function do_frame(info, dir, pl, ts)
	local n = #pl
	S.frames = S.frames + 1
	local rf = S.rf
	if dir == 2 then
		if rf.active and (rf.received < rf.length or n == 16) then
			info.type, info.mode = "response", "stub"
			info.req, info.rtime = rf.frame, ts - rf.last_ts
			rf.last_ts = ts
			if rf.received < rf.length then
				info.opname, info.rf_offset = "READ_FLASH_DATA", rf.offset + rf.received
				rf.received = rf.received + n
			else
				info.opname = "READ_FLASH_DIGEST"
				rf.active = false
			end
		elseif n == 4 and pl == "OHAI" then
			info.type, info.opname, info.mode = "response", "OHAI", "stub"
			S.mode = "stub"
			if S.pend and S.pend.optional then S.pend = nil end
			if S.expect_ohai and S.mem_end then
				pair(info, S.mem_end.frame, S.mem_end.ts, ts)
				info.stub_running = true
			else
				info.unexpected_ohai = true
			end
			S.expect_ohai = false
		elseif n >= 8 and sbyte(pl, 1) == 0x01 then
			if rf.active then rf.active = false end
			do_response(info, pl, n, ts)
		else
			info.type, info.malformed = "raw", n < 8 and "response shorter than its 8-byte header"
				or "response direction byte is not 0x01"
		end
	elseif dir == 1 then
		if rf.active and n == 4 then
			info.type, info.opname, info.mode = "command", "READ_FLASH_ACK", "stub"
			rf.last_ts = ts
		elseif n >= 8 and sbyte(pl, 1) == 0x00 then
			do_command(info, pl, n, ts)
		else
			info.type, info.malformed = "raw", n < 8 and "command shorter than its 8-byte header"
				or "command direction byte is not 0x00"
		end
	else
		info.type, info.malformed = "raw", "frame without a direction"
	end
	if info.malformed and info.type ~= "raw" then info.type = "raw" end
end

local function first_pass(num, dir, kind, flags, data, ts)
	local info = {num = num, ts = ts}
	FR[num] = info
	if ts > S.last_ts then S.last_ts = ts end
	if kind == 1 then
		local pl, bad = unslip(data)
		info.escape = bad or band(flags, UF.escape) ~= 0
		do_frame(info, dir, pl, ts)
	elseif kind == 2 then
		info.type = "raw"
		if dir == 2 and (data:find("rst:0x", 1, true) or data:find("rst cause:", 1, true)) then
			info.reset = S.frames > 0 and "reset" or "boot"
			local code = data:match("rst:0x(%x+)")
			code = code and tonumber(code, 16)
			info.reset_why = code and sfmt(" (rst:0x%x %s)", code, RESET_REASONS[code] or "?") or ""
			S.mode, S.expect_ohai = nil, false
			S.rf.active, S.rf.awaiting = false, false
		end
	else
		info.type = "event"
	end
	return info
end

---------------------------------------------------------------------------------------------
-- tree building (every pass)
local function add_words(t, r, defs)
	local out = {}
	for i, d in ipairs(defs) do
		local off = (i - 1) * 4
		if d and r:len() >= off + 4 then
			t:add_le(d[1], r(off, 4))
			if d[2] then out[#out + 1] = sfmt(d[3] and "%s=0x%x" or "%s=%d", d[2], r(off, 4):le_uint()) end
		end
	end
	return table.concat(out, " ")
end

local CMD_WORDS = {
	[0x02] = {{f.fl_erase, "size"}, {f.fl_blocks}, {f.fl_bsize}, {f.fl_offset, "offset", true}, {f.fl_enc}},
	[0x10] = {{f.fl_size, "size"}, {f.fl_blocks}, {f.fl_bsize}, {f.fl_offset, "offset", true}, {f.fl_enc}},
	[0x04] = {{f.end_flag, "flag"}}, [0x12] = {{f.end_flag, "flag"}},
	[0x05] = {{f.mem_size, "size"}, {f.mem_blocks}, {f.mem_bsize}, {f.mem_addr, "addr", true}},
	[0x06] = {{f.end_flag, "flag"}, {f.mem_entry, "entry", true}},
	[0x0A] = {{f.reg_addr, "addr", true}},
	[0x0B] = {{f.spi_id}, {f.spi_total, "total_size"}, {f.spi_block}, {f.spi_sector}, {f.spi_page}, {f.spi_mask}},
	[0x0D] = {{f.spi_config, "config", true}, {f.spi_extra}},
	[0x0E] = {{f.rd_offset, "offset", true}, {f.rd_length, "length"}},
	[0x0F] = {{f.baud_new, "new_baud"}, {f.baud_old, "old_baud"}},
	[0x13] = {{f.md5_addr, "addr", true}, {f.md5_size, "size"}},
	[0xD1] = {{f.erase_offset, "offset", true}, {f.erase_size, "size"}},
	[0xD2] = {{f.rd_offset, "offset", true}, {f.rd_length, "length"}, {f.rd_psize}, {f.rd_inflight}},
	[0x1B] = {{f.sdc_arg}}, [0x1C] = {{f.sdc_arg}}, [0x1E] = {{f.sdc_arg}},
}

local function command_tree(t, info, ut, blen)
	local op = info.op
	local b = ut(8, blen)
	if info.seq then
		t:add_le(f.data_len, b(0, 4))
		t:add_le(f.seq, b(4, 4))
		if blen > 16 then t:add(f.data, b(16, blen - 16)) end
		return sfmt("seq=%d len=%d", info.seq, info.dlen)
	end
	if op == 0x09 then
		local k = 0
		while k + 16 <= blen do
			local st = t:add(p, b(k, 16), "Register write")
			st:add_le(f.reg_addr, b(k, 4)); st:add_le(f.reg_value, b(k + 4, 4))
			st:add_le(f.reg_mask, b(k + 8, 4)); st:add_le(f.reg_delay, b(k + 12, 4))
			k = k + 16
		end
		if blen >= 16 then return sfmt("addr=0x%08x value=0x%08x", b(0, 4):le_uint(), b(4, 4):le_uint()) end
		return ""
	end
	if op == OP_SYNC then
		local ok = blen == 36 and b(0, 4):le_uint() == 0x20120707
		t:add(f.sync_ok, b, ok)
		return ""
	end
	local defs = CMD_WORDS[op]
	if defs then return add_words(t, b, defs) end
	if blen > 0 then t:add(f.data, b) end
	return ""
end

local function response_tree(t, info, ut, blen)
	local rd = info.rd or 0
	local b = ut(8, blen)
	local extra = ""
	if rd > 0 then
		local d = b(0, rd)
		local name = info.opname
		if name == "SPI_FLASH_MD5" and info.ok and (rd == 32 or rd == 16) then
			local s = rd == 32 and d:string():lower() or tostring(d:bytes()):lower()
			t:add(f.md5, d, s)
			extra = " md5=" .. s
		elseif name == "GET_SECURITY_INFO" and info.ok and rd >= 12 then
			t:add_le(f.sec_flags, d(0, 4)); t:add(f.sec_cnt, d(4, 1)); t:add(f.sec_keys, d(5, 7))
			if rd >= 20 then t:add_le(f.sec_chip, d(12, 4)); t:add_le(f.sec_api, d(16, 4)) end
		else
			t:add(f.data, d)
		end
	end
	if info.slen then
		local sb = b(rd, info.slen)
		t:add(f.status_bytes, sb)
		t:add(f.status, sb, info.status)
		t:add(f.status_ok, sb, info.ok)
		t:add(f.error, info.stubfmt and sb(0, 1) or sb(1, 1), info.error)
		if info.error_text then t:add(f.error_text, sb, info.error_text) end
	end
	if info.opname == "READ_REG" then extra = sfmt(" value=0x%08x", info.value or 0) end
	return extra
end

local function link_tree(t, info)
	if info.resp_in then t:add(f.response_in, info.resp_in):set_generated() end
	if info.req then
		t:add(f.response_to, info.req):set_generated()
		t:add(f.time, nstime(info.rtime)):set_generated()
	end
end

local function text_of(s)
	s = s:gsub("\r", "\\r"):gsub("\n", "\\n"):gsub("[\0-\31\127]", ".")
	return s
end

-- Expert texts start with esptap's note code (as in `esptap decode`), so tests and people can
-- match them to esptap's own verdicts.
local function expert_tree(t, info, flags)
	local function x(ex, code, text) t:add_proto_expert_info(ex, code .. ": " .. text) end
	if info.escape then x(e.escape, "escape-error", "0xDB followed by a byte other than 0xDC/0xDD") end
	if band(flags, UF.truncated) ~= 0 then x(e.truncated, "truncated", "frame cut at the length limit") end
	if band(flags, UF.unterminated) ~= 0 then x(e.truncated, "unterminated", "input ended inside the frame") end
	if band(flags, UF.line) ~= 0 then x(e.line, "line-error", "bytes carried a UART framing/parity error") end
	if info.malformed then x(e.malformed, "malformed", info.malformed) end
	if info.ck_bad then
		x(e.checksum, "checksum-mismatch", sfmt("checksum 0x%02x declared, data gives 0x%02x", info.ck_decl, info.ck_comp))
	end
	if info.err_status then
		x(e.error_status, "error-status", sfmt("%s reported %s (0x%02x%s)", info.stubfmt and "stub" or "ROM",
			info.status, info.error, info.error_text and (": " .. info.error_text) or ""))
	end
	if info.unsup_expected then x(e.unsupported, "unsupported-command", "expected while the flasher identifies the chip") end
	if info.unsup_extra then x(e.unsupported, "unsupported-extra-reply", "repeat of the ROM's unsupported-command reply") end
	if info.unsolicited then x(e.unsolicited, "unsolicited", "response with no request pending") end
	if info.late then x(e.late, "late-reply", sfmt("reply arrived after the host gave up on frame %d", info.req)) end
	if info.stub_running then x(e.stub, "stub-running", "the flasher stub is running") end
	if info.unexpected_ohai then x(e.unsolicited, "unexpected-ohai", "stub greeting without a stub upload seen") end
	if info.reset == "reset" then x(e.reset, "chip-reboot", "the chip rebooted during the session" .. info.reset_why)
	elseif info.reset == "boot" then x(e.boot, "chip-reboot", "the chip booted" .. info.reset_why) end
end

-- no response: known once the first pass is over (or the request was given up on)
local function unanswered(info)
	if not info.is_req or info.resp_in then return false end
	if info.no_resp then return true end
	local pd = S.pend
	return pd ~= nil and pd.frame == info.num and not pd.optional and (S.last_ts - pd.ts) * 1000 > pd.timeout
end

local LINE_BITS = {"framing", "parity", "overrun"}
local MODEM_BITS = {"DTR", "RTS", "CTS", "DSR", "DCD", "RI"}

local function bits_text(v, names)
	local o = {}
	for i, nm in ipairs(names) do if band(v, bit.lshift(1, i - 1)) ~= 0 then o[#o + 1] = nm end end
	return table.concat(o, ",")
end

function p.dissector(tvb, pinfo, tree)
	local len = tvb:len()
	if len < 20 or tvb(0, 4):string() ~= "ESPT" or tvb(4, 1):uint() ~= 1 or tvb(5, 1):uint() < 20
		or tvb(5, 1):uint() > len then
		return 0 -- not ours: left alone
	end
	local hl = tvb(5, 1):uint()
	local dir, kind = tvb(6, 1):uint(), tvb(7, 1):uint()
	local flags, modem = tvb(8, 2):le_uint(), tvb(10, 1):uint()
	local baud, evv = tvb(12, 4):le_uint(), tvb(16, 4):le_uint()
	local num = pinfo.number
	local data = hl < len and tvb:raw(hl, len - hl) or ""
	local info = FR[num]
	if not pinfo.visited or not info then
		info = first_pass(num, dir, kind, flags, data, pinfo.abs_ts)
	end

	pinfo.cols.protocol = "ESPTAP"
	if dir == 1 then pinfo.cols.src, pinfo.cols.dst = "host", "chip"
	elseif dir == 2 then pinfo.cols.src, pinfo.cols.dst = "chip", "host" end

	local root = tree:add(p, tvb(), "ESP serial bootloader (esptap)")
	local ph = root:add(p, tvb(0, hl), "esptap pseudo-header")
	ph:add(f.magic, tvb(0, 4)); ph:add(f.version, tvb(4, 1)); ph:add(f.hdr_len, tvb(5, 1))
	ph:add(f.dir, tvb(6, 1)); ph:add(f.kind, tvb(7, 1))
	local fl = ph:add_le(f.flags, tvb(8, 2))
	for _, k in ipairs({f.fl_escape, f.fl_trunc, f.fl_ck, f.fl_line, f.fl_unterm, f.fl_status, f.fl_malformed}) do
		fl:add_le(k, tvb(8, 2))
	end
	local mi = ph:add(f.modem, tvb(10, 1))
	for _, k in ipairs({f.m_dtr, f.m_rts, f.m_cts, f.m_dsr, f.m_dcd, f.m_ri}) do mi:add(k, tvb(10, 1)) end
	ph:add_le(f.baud, tvb(12, 4)); ph:add_le(f.ev_value, tvb(16, 4))
	root:add(f.type, info.type):set_generated()
	if info.mode then root:add(f.mode, info.mode):set_generated() end

	local col
	if kind == 1 then
		local pl = unslip(data)
		local ut
		local lead = sbyte(data, 1) == 0xC0 and 1 or 0
		if #pl + lead <= #data and ssub(data, lead + 1, lead + #pl) == pl then
			ut = tvb(hl + lead, #pl):tvb() -- nothing escaped: the frame's own bytes
		else
			ut = ByteArray.new(pl, true):tvb("Unescaped SLIP frame")
		end
		root:add(f.slip_len, tvb(hl), #data)
		local n = #pl
		if info.opname then root:add(f.opname, info.opname):set_generated() end
		if info.chip then root:add(f.chip, info.chip):set_generated() end
		if info.type == "command" and info.op then
			root:add(f.pkt_dir, ut(0, 1)); root:add(f.op, ut(1, 1)); root:add_le(f.size, ut(2, 2))
			local blen = math.min(ut(2, 2):le_uint(), n - 8)
			if info.seq then
				root:add_le(f.checksum, ut(4, 4))
				root:add(f.ck_computed, ut(4, 1), info.ck_comp):set_generated()
				root:add(f.ck_good, ut(4, 1), not info.ck_bad):set_generated()
			end
			local x = command_tree(root, info, ut, blen)
			col = x ~= "" and (info.opname .. " " .. x) or info.opname
		elseif info.type == "response" and info.op then
			root:add(f.pkt_dir, ut(0, 1)); root:add(f.op, ut(1, 1)); root:add_le(f.size, ut(2, 2))
			root:add_le(f.value, ut(4, 4))
			local blen = math.min(ut(2, 2):le_uint(), n - 8)
			local extra = response_tree(root, info, ut, blen)
			col = (info.opname or sfmt("0x%02X", info.op)) .. " " .. (info.status or "?") .. extra
		elseif info.opname == "READ_FLASH_ACK" then
			root:add_le(f.rd_acked, ut(0, 4))
			col = sfmt("READ_FLASH_ACK acked=%d", ut(0, 4):le_uint())
		elseif info.opname == "READ_FLASH_DATA" then
			root:add(f.rd_offset, ut(), info.rf_offset):set_generated()
			if n > 0 then root:add(f.data, ut()) end
			col = sfmt("READ_FLASH_DATA offset=0x%x len=%d", info.rf_offset, n)
		elseif info.opname == "READ_FLASH_DIGEST" then
			local s = n > 0 and tostring(ut():bytes()):lower() or ""
			if n > 0 then root:add(f.md5, ut(), s) end
			col = "READ_FLASH_DIGEST md5=" .. s
		elseif info.opname == "OHAI" then
			col = "OHAI (stub running)"
		else
			if n > 0 then root:add(f.data, ut()) end
			col = "frame: " .. (info.malformed or "undecoded")
		end
		if info.req then
			local ms = info.rtime * 1000
			col = col .. sfmt(ms < 0.9995 and " (%.3f ms)" or " (%.1f ms)", ms)
		end
	elseif kind == 2 then
		if #data > 0 then root:add(f.text, tvb(hl), data) end
		col = "console: " .. text_of(data:sub(1, 80))
	elseif kind == 3 then col = "baud " .. evv
	elseif kind == 4 then col = "modem lines " .. bits_text(modem, MODEM_BITS)
	elseif kind == 5 then col = "break"
	elseif kind == 6 then col = "line error " .. bits_text(evv, LINE_BITS)
	elseif kind == 7 then col = "gap"
	elseif kind == 8 then
		if #data > 0 then root:add(f.text, tvb(hl), data) end
		col = "note: " .. text_of(data)
	else col = "kind " .. kind end
	if info.retry then col = col .. " (retry)" end
	pinfo.cols.info = col

	link_tree(root, info)
	expert_tree(root, info, flags)
	if kind == 6 or kind == 5 then root:add_proto_expert_info(e.line, "line-error: " .. col) end
	if unanswered(info) then root:add_proto_expert_info(e.no_response, "timeout: " .. info.opname .. " got no response") end
	return len
end

---------------------------------------------------------------------------------------------
-- registration on the USER slot the preference names
local encap = DissectorTable.get("wtap_encap")
local slot, previous

-- Moving to another slot gives the old one back to whatever had it before (DLT_USER).
local function register(s)
	if s > 15 then s = 0 end
	if slot == s then return end
	if slot then
		local old = wtap_encaps["USER" .. slot]
		encap:remove(old, p)
		if previous then encap:add(old, previous) end
	end
	local enc = wtap_encaps["USER" .. s]
	previous = encap:get_dissector(enc)
	encap:add(enc, p)
	slot = s
end

function p.prefs_changed()
	register(p.prefs.user_slot)
end

register(p.prefs.user_slot)
