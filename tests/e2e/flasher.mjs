#!/usr/bin/env node
// flasher.mjs: drives esptool-js (0.7.0, or the 0.5.7 / 0.4.7 release lines) from Node against a serial
// port or pty (esptap's end-to-end tests).
//
//   node flasher.mjs --port PATH [--baud 921600] [--rom-baud 115200] [--before no_reset|default_reset]
//                    [--no-stub] [--no-compress] [--trace] [--esptool-js 0.7|0.5|0.4] ACTION...
//   actions: detect | write OFFSET=FILE... | verify | read OFFSET SIZE OUT
//            | erase-region OFFSET SIZE | erase-all | reboot
//   (reboot: FLASH_END asking for a reboot, esptool-js's flashFinish(true), then
//   half a second to let the chip's boot log arrive)
//
// Prints esptool-js's own messages, then one line per action ("detect: ESP32",
// "write: 0x1000 ...") and a last line "flasher: OK" (exit 0) or
// "flasher: FAILED: <message>" (exit 1).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { NodeSerialPort } from "./webserial-shim.mjs";

// What differs between the esptool-js release lines, in one place; each is an npm alias in package.json.
// Common to all: the constructor options, main(mode) with "default_reset" / "no_reset", detectChip,
// changeBaud, readFlashId, readFlash, eraseFlash, and the stub found running from SYNC replies of value 0.
// 0.4 and 0.5 are imported from their bundle.js (self-contained ESM; their lib/ imports the stub JSON
// without the import attribute Node requires), take images as binary strings and hash what they were
// given, and have no response-length argument in checkCommand. Their transports read the Web Serial
// stream in ways a whole-read pty exposes (see webserial-shim.mjs), so their port hands data over in
// 64-byte pieces, as a USB-UART bridge does; 0.7 keeps whole reads. (0.4's writeFlash refuses
// --no-compress by itself: "Yet to handle Non Compressed writes".)
const binaryString = (u8) => Buffer.from(u8).toString("latin1");
const LINES = {
  "0.7": {
    pkg: "esptool-js",
    version: "0.7.0",
    entry: "esptool-js",
    usbPacket: 0,
    image: (u8) => u8,
    hashable: (img) => img,
    eraseRegion: (loader, pkt, timeout) =>
      loader.checkCommand("erase region", loader.ESP_ERASE_REGION, pkt, undefined, undefined, timeout),
  },
  "0.5": {
    pkg: "esptool-js-0.5",
    version: "0.5.7",
    entry: "esptool-js-0.5/bundle.js",
    usbPacket: 64,
    image: binaryString,
    hashable: (img) => Buffer.from(img, "latin1"),
    eraseRegion: (loader, pkt, timeout) =>
      loader.checkCommand("erase region", loader.ESP_ERASE_REGION, pkt, undefined, timeout),
  },
  "0.4": {
    pkg: "esptool-js-0.4",
    version: "0.4.7",
    entry: "esptool-js-0.4/bundle.js",
    usbPacket: 64,
    image: binaryString,
    hashable: (img) => Buffer.from(img, "latin1"),
    eraseRegion: (loader, pkt, timeout) =>
      loader.checkCommand("erase region", loader.ESP_ERASE_REGION, pkt, undefined, timeout),
  },
};
for (const [line, a] of Object.entries(LINES)) LINES[a.version] = LINES[line];

function usage(msg) {
  if (msg) console.error(`flasher: ${msg}`);
  console.error(
    "usage: node flasher.mjs --port PATH [--baud N] [--rom-baud N] [--before no_reset|default_reset] [--no-stub] [--no-compress] [--trace] [--esptool-js 0.7|0.5|0.4] ACTION...\n" +
      "actions: detect | write OFFSET=FILE... | verify | read OFFSET SIZE OUT | erase-region OFFSET SIZE | erase-all | reboot",
  );
  process.exit(2);
}

function num(s) {
  const v = Number(s);
  if (!Number.isInteger(v) || v < 0) usage(`not a number: ${s}`);
  return v;
}

const opts = { port: null, baud: 115200, romBaud: 115200, before: "no_reset", stub: true, compress: true, trace: false, line: "0.7" };
const actions = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
  if (a === "--port") opts.port = next();
  else if (a === "--baud") opts.baud = num(next());
  else if (a === "--rom-baud") opts.romBaud = num(next()); // the rate the port opens at and SYNCs at
  else if (a === "--before") opts.before = next();
  else if (a === "--no-stub") opts.stub = false;
  else if (a === "--no-compress") opts.compress = false;
  else if (a === "--trace") opts.trace = true;
  else if (a === "--esptool-js") opts.line = next();
  else if (a === "detect" || a === "verify" || a === "erase-all" || a === "reboot") actions.push({ kind: a });
  else if (a === "write") {
    const files = [];
    while (i + 1 < argv.length && argv[i + 1].includes("=")) {
      const [off, file] = argv[++i].split("=");
      files.push({ address: num(off), file });
    }
    if (!files.length) usage("write needs OFFSET=FILE");
    actions.push({ kind: "write", files });
  } else if (a === "read") actions.push({ kind: "read", offset: num(next()), size: num(next()), out: next() });
  else if (a === "erase-region") actions.push({ kind: "erase-region", offset: num(next()), size: num(next()) });
  else usage(`unknown argument ${a}`);
}
if (!opts.port) usage("--port is required");
if (!actions.length) usage("no action");
if (!["no_reset", "default_reset"].includes(opts.before)) usage(`--before: ${opts.before}`);
if (!LINES[opts.line]) usage(`--esptool-js: ${opts.line} (one of ${Object.keys(LINES).join(", ")})`);
const api = LINES[opts.line];
const verify = actions.some((a) => a.kind === "verify");

const terminal = {
  clean() {},
  writeLine(s) {
    console.log(s);
  },
  write(s) {
    process.stdout.write(s);
  },
};

const hex = (n) => "0x" + n.toString(16);
const md5 = (data) => createHash("md5").update(data).digest("hex");

async function connect(loader) {
  if (opts.stub) {
    await loader.main(opts.before); // detect, describe, upload the stub, change baud, read the flash id
    return;
  }
  // Without the stub: what main() does, less the upload.
  await loader.detectChip(opts.before);
  if (loader.romBaudrate !== loader.baudrate) await loader.changeBaud();
  const id = await loader.readFlashId();
  console.log("Flash ID: " + id.toString(16));
}

// The alias must hold the release it names (a stale node_modules would test another one).
async function load() {
  const meta = JSON.parse(readFileSync(new URL(`./node_modules/${api.pkg}/package.json`, import.meta.url)));
  if (meta.version !== api.version) throw new Error(`${api.pkg} is ${meta.version}, expected ${api.version}`);
  return import(api.entry);
}

async function run() {
  const { ESPLoader, Transport } = await load();
  const port = new NodeSerialPort(opts.port, { usbPacket: api.usbPacket });
  const transport = new Transport(port, opts.trace);
  const loader = new ESPLoader({ transport, baudrate: opts.baud, romBaudrate: opts.romBaud, terminal, enableTracing: opts.trace });
  let failed = null;
  try {
    await connect(loader);
    for (const a of actions) {
      if (a.kind === "detect") {
        console.log(`detect: ${loader.chip.CHIP_NAME}`);
      } else if (a.kind === "write") {
        const fileArray = a.files.map((f) => ({ address: f.address, data: api.image(new Uint8Array(readFileSync(f.file))) }));
        await loader.writeFlash({
          fileArray,
          flashMode: "keep",
          flashFreq: "keep",
          flashSize: "keep",
          eraseAll: false,
          compress: opts.compress,
          calculateMD5Hash: verify ? (img) => md5(api.hashable(img)) : undefined,
        });
        for (const f of fileArray)
          console.log(`write: ${hex(f.address)} ${f.data.length} bytes${verify ? " verified" : ""}`);
      } else if (a.kind === "verify") {
        if (!actions.some((b) => b.kind === "write")) throw new Error("verify needs a write");
      } else if (a.kind === "read") {
        const data = await loader.readFlash(a.offset, a.size);
        writeFileSync(a.out, data);
        console.log(`read: ${hex(a.offset)} ${data.length} bytes to ${a.out}`);
      } else if (a.kind === "erase-region") {
        const pkt = new Uint8Array(8);
        new DataView(pkt.buffer).setUint32(0, a.offset, true);
        new DataView(pkt.buffer).setUint32(4, a.size, true);
        const timeout = loader.timeoutPerMb(loader.ERASE_REGION_TIMEOUT_PER_MB, a.size);
        await api.eraseRegion(loader, pkt, timeout);
        console.log(`erase-region: ${hex(a.offset)} ${a.size} bytes`);
      } else if (a.kind === "reboot") {
        await loader.flashFinish(true);
        await new Promise((r) => setTimeout(r, 500));
        console.log("reboot: done");
      } else if (a.kind === "erase-all") {
        await loader.eraseFlash();
        console.log("erase-all: done");
      }
    }
  } catch (e) {
    failed = e;
  }
  try {
    await transport.disconnect();
  } catch {
    /* the port may already be gone */
  }
  if (failed) fail(failed);
  console.log("flasher: OK");
  process.exit(0);
}

function fail(e) {
  const msg = String((e && e.message) || e).replace(/\s+/g, " ").trim();
  console.log(`flasher: FAILED: ${msg}`);
  process.exit(1);
}

run().catch(fail);
