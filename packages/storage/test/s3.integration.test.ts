import { expect } from 'vitest';
import type { StorageDriver } from '../src/index.ts';
import { s3Driver } from '../src/s3/index.ts';
import { conformance } from './conformance.ts';
import { createTestBucket, openMultipartUploads, removeTestBucket, s3Client } from './support/s3.ts';

const client = s3Client();
const buckets = new Map<StorageDriver, string>();

conformance('s3 (radosgw)', {
  async driver() {
    const bucket = await createTestBucket(client);
    const driver = s3Driver({ client, bucket, prefix: 'conformance/', partSize: 5 * 1024 * 1024 });
    buckets.set(driver, bucket);
    return driver;
  },
  async nothingPending(driver) {
    expect(await openMultipartUploads(client, buckets.get(driver) as string)).toEqual([]);
  },
  async cleanup(driver) {
    await removeTestBucket(client, buckets.get(driver) as string);
    buckets.delete(driver);
  },
});
