// webserial-shim.mjs: the part of the Web Serial API esptool-js uses, over the npm `serialport` package.
//
// esptool-js talks to a browser SerialPort: open(), readable/writable web
// streams, setSignals(), getInfo(), close(). This gives it the same surface on
// a file path (a real port or a pty) in Node. Modem-line ioctls fail on a pty
// (ENOTTY, or EINVAL on old kernels): those are ignored, as a pty has no lines.
import { SerialPort } from "serialport";

const LINE_ERRORS_TO_IGNORE = ["ENOTTY", "EINVAL", "Inappropriate ioctl"];

function ignorable(err) {
  const s = String(err && (err.code || err.message || err));
  return LINE_ERRORS_TO_IGNORE.some((k) => s.includes(k));
}

export class NodeSerialPort {
  constructor(path) {
    this.path = path;
    this.port = null;
    this.readable = null;
    this.writable = null;
    this.lines = { dtr: false, rts: false, brk: false };
  }

  getInfo() {
    return { usbVendorId: undefined, usbProductId: undefined };
  }

  async open(options = {}) {
    const port = new SerialPort({
      path: this.path,
      baudRate: options.baudRate || 115200,
      autoOpen: false,
      hupcl: false,
    });
    await new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.port = port;
    let ctrl = null;
    let live = true;
    this.readable = new ReadableStream({
      start(c) {
        ctrl = c;
        port.on("data", (buf) => {
          if (live) ctrl.enqueue(new Uint8Array(buf));
        });
        port.on("close", () => {
          if (live) {
            live = false;
            try { ctrl.close(); } catch { /* already closed */ }
          }
        });
      },
      cancel() {
        live = false;
      },
    });
    this.writable = new WritableStream({
      write(chunk) {
        return new Promise((resolve, reject) => {
          port.write(Buffer.from(chunk), (err) => {
            if (err) return reject(err);
            port.drain((e2) => (e2 ? reject(e2) : resolve()));
          });
        });
      },
    });
  }

  async setSignals(sig = {}) {
    if (sig.dataTerminalReady !== undefined) this.lines.dtr = !!sig.dataTerminalReady;
    if (sig.requestToSend !== undefined) this.lines.rts = !!sig.requestToSend;
    if (sig.break !== undefined) this.lines.brk = !!sig.break;
    if (!this.port) return;
    await new Promise((resolve, reject) =>
      this.port.set({ dtr: this.lines.dtr, rts: this.lines.rts, brk: this.lines.brk }, (err) =>
        err && !ignorable(err) ? reject(err) : resolve(),
      ),
    );
  }

  // esptool-js prefers changing the rate in place to closing and reopening the port.
  async setBaudRate(baudRate) {
    await new Promise((resolve, reject) => this.port.update({ baudRate }, (err) => (err ? reject(err) : resolve())));
  }

  async close() {
    const port = this.port;
    this.port = null;
    this.readable = null;
    this.writable = null;
    if (port && port.isOpen) await new Promise((resolve) => port.close(() => resolve()));
  }
}
