// Child process of big-upload.integration.test.ts: streams SIZE bytes of unknown length into one driver, sampling
// its own resident memory, then reads the object back verified by checksum. Prints one JSON line.
//   node big-upload.ts <local|s3> <bytes> [dir-or-bucket]
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createStorage, type StorageDriver } from '../../src/index.ts';
import { localDriver } from '../../src/local/index.ts';
import { s3Driver } from '../../src/s3/index.ts';
import { s3Client } from './s3.ts';

const [target, sizeText, where] = process.argv.slice(2);
const size = Number(sizeText);
const chunk = 64 * 1024;
const expected = createHash('sha256');
const block = randomBytes(chunk);

/** SIZE bytes, chunk by chunk, each chunk stamped with its index so no two are alike; nothing is held. */
function source(): Readable {
  let index = 0;
  return new Readable({
    read() {
      const offset = index * chunk;
      if (offset >= size) {
        this.push(null);
        return;
      }
      const out = Buffer.from(block.subarray(0, Math.min(chunk, size - offset)));
      if (out.byteLength >= 8) out.writeBigUInt64LE(BigInt(index), 0);
      expected.update(out);
      index++;
      this.push(out);
    },
  });
}

const driver: StorageDriver =
  target === 'local'
    ? localDriver({ root: where as string })
    : s3Driver({ client: s3Client(), bucket: where as string, partSize: 5 * 2 ** 20, queueSize: 2 });
const storage = createStorage({ driver });

const collect = (globalThis as { gc?: () => void }).gc;

// Warm up (modules loaded, first request made), then take the baseline.
await storage.put('warm.txt', 'warm');
await (await storage.get('warm.txt')).text();
collect?.();
const baseline = process.memoryUsage.rss();
let peak = baseline;
// With --expose-gc the sampler collects first, so it measures what is held, not garbage not yet collected (a plain
// fs pipeline grows RSS by ~60 MiB on Node 24 before V8 collects the chunk buffers it has dropped).
let atPeak = process.memoryUsage();
const sampler = setInterval(() => {
  collect?.();
  const usage = process.memoryUsage();
  if (usage.rss > peak) {
    peak = usage.rss;
    atPeak = usage;
  }
}, 50);

const body = source();
const startedWrite = performance.now();
const stat = await storage.put('big.bin', body);
const writeMs = performance.now() - startedWrite;
const writePeak = peak;

const startedRead = performance.now();
const object = await storage.get('big.bin', { verify: true });
const read = createHash('sha256');
for await (const data of object.body) read.update(data as Buffer);
const readMs = performance.now() - startedRead;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
await storage.delete('big.bin');
await storage.delete('warm.txt');

const sourceSha = expected.digest('hex');
console.log(
  JSON.stringify({
    size: stat.size,
    storedChecksum: stat.checksum,
    sourceChecksum: sourceSha,
    readChecksum: read.digest('hex'),
    writeGrowthMiB: (writePeak - baseline) / 2 ** 20,
    growthMiB: (peak - baseline) / 2 ** 20,
    writeMs: Math.round(writeMs),
    readMs: Math.round(readMs),
    atPeakMiB: Object.fromEntries(Object.entries(atPeak).map(([k, v]) => [k, Math.round(v / 2 ** 20)])),
  }),
);
