/**
 * @infra/storage against the floor and against Flydrive, on the same data, in the same run.
 *
 * - Local disk: write a 64 MiB stream of unknown length, then read it back, per op. Peers: a raw `fs` pipeline
 *   (no fsync: the floor), the same raw pipeline made durable as ours is (temp file, fsync, rename), and Flydrive's
 *   fs driver.
 * - S3 (the radosgw of .ci/run, or S3_*): upload a 256 MiB stream of unknown length. Peers: lib-storage's `Upload`
 *   with the same part size and queue (the floor: ours uses it), the same plus a SHA-256 of the stream (the work
 *   ours adds: it stores the checksum), and Flydrive's S3 driver (one PutObject, which needs the length).
 *
 * Each op is seconds long, so sides alternate op by op (ours, peer, peer, ours, ...) after one warm-up pair, and
 * each side's figure is its median op.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createStorage } from '@infra/storage';
import { localDriver } from '@infra/storage/local';
import { s3Driver } from '@infra/storage/s3';
import { Disk } from 'flydrive';
import { FSDriver } from 'flydrive/drivers/fs';
import { S3Driver } from 'flydrive/drivers/s3';
import { interleavedTimes, median } from '../src/measure.ts';
import { type Bench, defineScenario } from '../src/scenario.ts';

const MiB = 2 ** 20;
const chunk = 64 * 1024;
const block = randomBytes(MiB);
const partSize = 8 * MiB;
const queueSize = 4;

/** `size` bytes in 64 KiB chunks, each a fresh buffer (as a socket gives them), of unknown length to the reader. */
function source(size: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= size) {
        this.push(null);
        return;
      }
      const start = offset % MiB;
      const n = Math.min(chunk, size - offset, MiB - start);
      offset += n;
      this.push(Buffer.from(block.subarray(start, start + n)));
    },
  });
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // reading is the work
  }
}

async function compareOps(
  bench: Bench,
  name: string,
  tasks: { ours: () => Promise<unknown>; peer: () => Promise<unknown> },
  samples: number,
  mib: number,
) {
  const times = await interleavedTimes(tasks.ours, tasks.peer, samples, 1);
  const ours = median(times.ours);
  const peer = median(times.peer);
  bench.record(
    name,
    'ops/s',
    1000 / ours,
    1000 / peer,
    `median of ${samples}; ${((mib * 1000) / ours).toFixed(0)} vs ${((mib * 1000) / peer).toFixed(0)} MiB/s`,
  );
}

async function localCases(bench: Bench): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-storage-'));
  const size = 64 * MiB;
  const storage = createStorage({ driver: localDriver({ root: join(dir, 'ours') }) });
  const disk = new Disk(new FSDriver({ location: join(dir, 'flydrive'), visibility: 'private' }));
  await rm(join(dir, 'raw'), { recursive: true, force: true });
  await mkdir(join(dir, 'raw'), { recursive: true });
  const rawPath = join(dir, 'raw', 'file.bin');
  const ours = async () => {
    await storage.put('bench/file.bin', source(size));
    await drain((await storage.get('bench/file.bin')).body);
  };
  const name = `local write + read, ${size / MiB} MiB stream`;
  try {
    await compareOps(
      bench.against('raw fs pipeline (no fsync)'),
      name,
      {
        ours,
        peer: async () => {
          await pipeline(source(size), createWriteStream(rawPath));
          await drain(createReadStream(rawPath));
        },
      },
      5,
      size / MiB,
    );
    await compareOps(
      bench.against('raw fs: temp file + fsync + rename'),
      name,
      {
        ours,
        peer: async () => {
          const temp = `${rawPath}.tmp`;
          await pipeline(source(size), createWriteStream(temp));
          const handle = await open(temp, 'r+');
          await handle.sync();
          await handle.close();
          await rename(temp, rawPath);
          await drain(createReadStream(rawPath));
        },
      },
      5,
      size / MiB,
    );
    await compareOps(
      bench.against('flydrive fs driver'),
      name,
      {
        ours,
        peer: async () => {
          await disk.putStream('bench/file.bin', source(size));
          await drain(await disk.getStream('bench/file.bin'));
        },
      },
      5,
      size / MiB,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function s3Cases(bench: Bench): Promise<void> {
  const clientConfig = {
    endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:7480',
    region: process.env.S3_REGION ?? 'us-east-1',
    forcePathStyle: (process.env.S3_FORCE_PATH_STYLE ?? 'true') === 'true',
    credentials: {
      accessKeyId: process.env.S3_ACCESS_KEY ?? 'infra-test-access',
      secretAccessKey: process.env.S3_SECRET_KEY ?? 'infra-test-secret-key-0123456789',
    },
  };
  const client = new S3Client(clientConfig);
  const bucket = `bench-storage-${process.pid}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const size = 256 * MiB;
  const storage = createStorage({ driver: s3Driver({ client, bucket, partSize, queueSize }) });
  // Flydrive sends a stream body in one PutObject; with the SDK's default checksums that becomes an aws-chunked
  // upload with a trailer, which radosgw 16 refuses (aws-sdk-js-v3#6810), so its client computes them only when
  // required. Ours and lib-storage send parts as buffers and need no such setting.
  const flydriveClient = new S3Client({ ...clientConfig, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const disk = new Disk(new S3Driver({ client: flydriveClient, bucket, visibility: 'private', supportsACL: false }));
  const ours = () => storage.put('ours.bin', source(size));
  const name = `S3 upload, ${size / MiB} MiB stream of unknown length`;
  try {
    await compareOps(
      bench.against('lib-storage Upload (same part size and queue)'),
      name,
      {
        ours,
        peer: () =>
          new Upload({
            client,
            params: { Bucket: bucket, Key: 'raw.bin', Body: source(size) },
            partSize,
            queueSize,
          }).done(),
      },
      3,
      size / MiB,
    );
    // The same floor doing the same work as ours: a SHA-256 of the body while it streams.
    await compareOps(
      bench.against('lib-storage Upload + SHA-256 of the stream'),
      name,
      {
        ours,
        peer: async () => {
          const hash = createHash('sha256');
          const body = source(size).map((data: Buffer) => {
            hash.update(data);
            return data;
          });
          await new Upload({
            client,
            params: { Bucket: bucket, Key: 'raw.bin', Body: body },
            partSize,
            queueSize,
          }).done();
          hash.digest('hex');
        },
      },
      3,
      size / MiB,
    );
    // Flydrive's S3 putStream is one PutObject: try it as a stream of unknown length first (flydrive#20).
    const unknownLength = await disk.putStream('flydrive.bin', source(MiB)).then(
      () => true,
      () => false,
    );
    const flydriveName = unknownLength
      ? 'flydrive S3 driver'
      : 'flydrive S3 driver (given contentLength: it refuses unknown lengths)';
    await compareOps(
      bench.against(flydriveName),
      name,
      {
        ours,
        peer: () => disk.putStream('flydrive.bin', source(size), unknownLength ? {} : { contentLength: size }),
      },
      3,
      size / MiB,
    );
  } finally {
    for (const key of ['ours.bin', 'raw.bin', 'flydrive.bin']) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {});
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    client.destroy();
    flydriveClient.destroy();
  }
}

export default defineScenario({
  name: 'storage',
  ours: '@infra/storage',
  peer: 'raw fs / lib-storage / flydrive',
  description: 'local write+read of a 64 MiB stream; S3 upload of a 256 MiB stream of unknown length (radosgw)',
  async run(bench) {
    await localCases(bench);
    await s3Cases(bench);
  },
});
