// A rogue MySQL server: what an address in untrusted workflow input may point at. It speaks just enough of the
// protocol (handshake v10) to get a password out of a client: it announces caching_sha2_password, switches the
// client to it whatever it answered, asks for "full authentication" (0x04) and, when the client asks for the
// server's RSA key (0x02), hands over its own — then decrypts whatever comes back. Every byte a client sends after
// the greeting is kept, and every password recovered (in cleartext, or decrypted with its key).
// With `tls`, it also offers TLS and answers an SSLRequest with its own certificate (not the source's CA's).
import { constants, generateKeyPairSync, privateDecrypt, randomInt } from 'node:crypto';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';

export interface RogueMySql {
  host: '127.0.0.1';
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Every byte received from clients after the greeting (raw, as on the wire; TLS records still encrypted). */
  received(): Buffer;
  /** What arrived inside TLS, decrypted (a client that went on after a TLS handshake with the rogue). */
  receivedInsideTls(): Buffer;
  /** Passwords obtained: sent in cleartext after 0x04, or RSA-encrypted to the rogue's key and decrypted here. */
  recovered: string[];
  /** The protocol steps seen, e.g. 'handshake-response', 'key-requested', 'encrypted-password'. */
  steps: string[];
  /** Resolves once every connection accepted so far has closed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface RogueOptions {
  /** Offer TLS (CLIENT_SSL) with this certificate and key (PEM): one the client's CA did not sign. */
  tls?: { cert: string; key: string };
}

const CLIENT = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  PLUGIN_AUTH: 0x80000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
};
const PLUGIN = 'caching_sha2_password';

export async function startRogueMySql(options: RogueOptions = {}): Promise<RogueMySql> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const raw: Buffer[] = [];
  const insideTls: Buffer[] = [];
  const closed: Promise<void>[] = [];
  const rogue = {
    connections: 0,
    recovered: [] as string[],
    steps: [] as string[],
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    rogue.connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.on('error', () => undefined); // a client that gives up resets the connection
    serve(socket);
  });

  /** One connection: the greeting, then the client's packets, first over TCP and after an SSLRequest in TLS. */
  function serve(socket: Socket): void {
    const scramble = randomScramble();
    let write = (payload: Buffer, seq: number) => socket.write(packet(payload, seq));
    const parser = packetParser((payload, seq) => onPacket(payload, seq));
    let state: 'greeted' | 'switched' | 'full' | 'key-sent' | 'done' = 'greeted';
    let switchScramble = randomScramble();
    socket.on('data', (chunk: Buffer) => {
      raw.push(chunk);
      parser.feed(chunk);
    });
    write(greeting(scramble, !!options.tls), 0);

    function onPacket(payload: Buffer, seq: number): void {
      if (state === 'greeted' && payload.length === 32 && (payload.readUInt32LE(0) & CLIENT.SSL) !== 0) {
        rogue.steps.push('ssl-request');
        if (!options.tls) return void socket.destroy();
        startTls();
        return;
      }
      switch (state) {
        case 'greeted':
          rogue.steps.push('handshake-response');
          // Whatever the client used, switch it to caching_sha2_password with a fresh scramble.
          switchScramble = randomScramble();
          write(
            Buffer.concat([Buffer.from([0xfe]), Buffer.from(`${PLUGIN}\0`), switchScramble, Buffer.from([0])]),
            seq + 1,
          );
          state = 'switched';
          return;
        case 'switched':
          rogue.steps.push('scramble-token');
          write(Buffer.from([0x01, 0x04]), seq + 1); // perform full authentication
          state = 'full';
          return;
        case 'full':
          if (payload.length === 1 && payload[0] === 0x02) {
            rogue.steps.push('key-requested');
            write(Buffer.concat([Buffer.from([0x01]), Buffer.from(publicKey)]), seq + 1);
            state = 'key-sent';
            return;
          }
          rogue.steps.push('cleartext-password');
          rogue.recovered.push(payload.toString('utf8').replace(/\0$/, ''));
          return deny(seq);
        case 'key-sent':
          rogue.steps.push('encrypted-password');
          rogue.recovered.push(decrypt(payload, switchScramble));
          return deny(seq);
        case 'done':
          return;
      }
    }

    function deny(seq: number): void {
      state = 'done';
      const message = Buffer.from("Access denied for user 'x'");
      write(Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from('#28000'), message]), seq + 1);
      socket.end();
    }

    /** The client's TLS records go through a stream of their own, so nothing read before is lost on the way. */
    function startTls(): void {
      const wire = new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, callback) {
          socket.write(chunk, callback);
        },
      });
      socket.removeAllListeners('data');
      socket.on('data', (chunk: Buffer) => {
        raw.push(chunk);
        wire.push(chunk);
      });
      const early = parser.rest(); // the client's TLS hello may have come with its SSLRequest
      if (early.length > 0) wire.push(early);
      socket.once('close', () => wire.destroy());
      const secure = new TLSSocket(wire, { isServer: true, ...options.tls! });
      secure.on('error', () => socket.destroy()); // the client refused the certificate
      rogue.steps.push('tls-offered');
      const inner = packetParser((payload, seq) => onPacket(payload, seq));
      state = 'greeted'; // the handshake response comes again, now inside TLS
      secure.on('secure', () => rogue.steps.push('tls-established'));
      secure.on('data', (chunk: Buffer) => {
        insideTls.push(chunk);
        inner.feed(chunk);
      });
      write = (payload, seq) => secure.write(packet(payload, seq));
    }
  }

  /** caching_sha2_password's encryption undone: RSA-OAEP (SHA-1) with our key, then XOR with the scramble. */
  function decrypt(blob: Buffer, scramble: Buffer): string {
    try {
      const xored = privateDecrypt(
        { key: privateKey, oaepHash: 'sha1', padding: constants.RSA_PKCS1_OAEP_PADDING },
        blob,
      );
      const plain = Buffer.from(xored.map((byte, i) => byte ^ scramble[i % scramble.length]!));
      return plain.toString('utf8').replace(/\0$/, '');
    } catch {
      return `<undecryptable ${blob.length} bytes>`;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    get connections() {
      return rogue.connections;
    },
    received: () => Buffer.concat(raw),
    receivedInsideTls: () => Buffer.concat(insideTls),
    recovered: rogue.recovered,
    steps: rogue.steps,
    settled: async () => {
      await Promise.all(closed);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Handshake v10 announcing caching_sha2_password (and TLS when `ssl`). */
function greeting(scramble: Buffer, ssl: boolean): Buffer {
  const flags =
    CLIENT.LONG_PASSWORD |
    CLIENT.FOUND_ROWS |
    CLIENT.LONG_FLAG |
    CLIENT.CONNECT_WITH_DB |
    CLIENT.PROTOCOL_41 |
    CLIENT.TRANSACTIONS |
    CLIENT.SECURE_CONNECTION |
    CLIENT.PLUGIN_AUTH |
    CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA |
    (ssl ? CLIENT.SSL : 0);
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let at = fixed.writeUInt32LE(4242, 0); // connection id
  at += scramble.copy(fixed, at, 0, 8);
  at = fixed.writeUInt8(0, at);
  at = fixed.writeUInt16LE(flags & 0xffff, at);
  at = fixed.writeUInt8(0xff, at); // utf8mb4
  at = fixed.writeUInt16LE(0x0002, at); // autocommit
  at = fixed.writeUInt16LE(flags >>> 16, at);
  fixed.writeUInt8(21, at); // auth plugin data length; 10 reserved zero bytes follow
  return Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from('8.0.36-rogue\0'),
    fixed,
    scramble.subarray(8),
    Buffer.from([0]),
    Buffer.from(`${PLUGIN}\0`),
  ]);
}

/** 20 bytes without NUL (servers avoid it: the scramble is NUL-terminated on the wire). */
function randomScramble(): Buffer {
  return Buffer.from(Array.from({ length: 20 }, () => randomInt(1, 128)));
}

function packet(payload: Buffer, seq: number): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header.writeUInt8(seq & 0xff, 3);
  return Buffer.concat([header, payload]);
}

/**
 * Splits a byte stream into MySQL packets (payloads under 16 MiB: nothing here sends more). `rest()` hands over
 * what follows the last packet: after an SSLRequest, the start of the client's TLS handshake.
 */
function packetParser(onPacket: (payload: Buffer, seq: number) => void) {
  let buffered = Buffer.alloc(0);
  let stopped = false;
  return {
    feed(chunk: Buffer): void {
      buffered = Buffer.concat([buffered, chunk]);
      while (!stopped && buffered.length >= 4) {
        const length = buffered.readUIntLE(0, 3);
        if (buffered.length < 4 + length) return;
        const seq = buffered.readUInt8(3);
        const payload = buffered.subarray(4, 4 + length);
        buffered = buffered.subarray(4 + length);
        onPacket(payload, seq);
      }
    },
    rest(): Buffer {
      stopped = true;
      return buffered;
    },
  };
}
