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

// A browser's SerialPort.readable is a new stream after the previous one was cancelled (esptool-js
// 0.4 cancels its reader on every read timeout, 0.5 on flushInput): cancelling discards what was
// received and not yet read, and what arrives while no stream exists waits for the next one, as in
// the OS buffer. `usbPacket` (bytes, 0 = whole reads) hands data over in pieces of at most that size,
// as a USB-UART bridge delivers it (64-byte bulk packets): esptool-js 0.5 leaves a read pending when
// it times out, and that read takes the next piece, as it would on a real bridge.
export class NodeSerialPort {
  constructor(path, { usbPacket = 0 } = {}) {
    this.path = path;
    this.usbPacket = usbPacket;
    this.port = null;
    this.stream = null; // the current readable, null when none was asked for since a cancel
    this.deliver = null; // enqueues into the current readable
    this.end = null; // closes it
    this.backlog = [];
    this.writable = null;
    this.lines = { dtr: false, rts: false, brk: false };
  }

  getInfo() {
    return { usbVendorId: undefined, usbProductId: undefined };
  }

  get readable() {
    if (!this.stream && this.port) this.stream = this.newReadable();
    return this.stream;
  }

  pieces(u8) {
    if (!this.usbPacket) return [u8];
    const out = [];
    for (let i = 0; i < u8.length; i += this.usbPacket) out.push(u8.subarray(i, i + this.usbPacket));
    return out;
  }

  newReadable() {
    const self = this;
    const stream = new ReadableStream({
      start(c) {
        const waiting = self.backlog;
        self.backlog = [];
        for (const p of waiting) c.enqueue(p);
        self.deliver = (u8) => c.enqueue(u8);
        self.end = () => {
          try { c.close(); } catch { /* already closed */ }
        };
      },
      cancel() {
        if (self.stream === stream) {
          self.stream = null;
          self.deliver = null;
          self.end = null;
          self.backlog = [];
        }
      },
    });
    return stream;
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
    this.stream = null;
    this.deliver = null;
    this.end = null;
    this.backlog = [];
    port.on("data", (buf) => {
      if (this.port !== port) return;
      for (const p of this.pieces(new Uint8Array(buf))) {
        if (this.deliver) this.deliver(p);
        else this.backlog.push(p);
      }
    });
    port.on("close", () => {
      if (this.end) this.end();
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
    if (this.end) this.end();
    this.port = null;
    this.stream = null;
    this.deliver = null;
    this.end = null;
    this.backlog = [];
    this.writable = null;
    if (port && port.isOpen) await new Promise((resolve) => port.close(() => resolve()));
  }
}
