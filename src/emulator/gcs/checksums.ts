// The two checksums Cloud Storage reports for every object (md5Hash, crc32c), base64 as the JSON API encodes
// them. The official Node client checks its upload against them by default, so they must be exact.
import { createHash } from 'node:crypto';

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): Node's zlib only has the IEEE CRC-32.
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  // The JSON API's crc32c is the big-endian bytes of the checksum, base64.
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

export function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}
