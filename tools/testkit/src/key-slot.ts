/** Slots are numbered 0..16383 in Redis Cluster. */
export const slotCount = 16384;

/** The key's hash slot: CRC16 (XMODEM) of the key, or of its `{hash tag}`, modulo 16384. */
export function keySlot(key: string): number {
  let hashed = Buffer.from(key);
  const open = hashed.indexOf('{');
  if (open !== -1) {
    const close = hashed.indexOf('}', open + 1);
    if (close > open + 1) hashed = hashed.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of hashed) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % slotCount;
}
