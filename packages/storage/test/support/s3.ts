// Where the S3 tests find their server: S3_* variables (as .ci/run exports them from scripts/s3-radosgw.sh), else
// radosgw's usual local port with the script's test keys. There is no skip: a test file that needs S3 fails with
// this message when none answers, under CI=true or not.
import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

export interface S3Config {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  forcePathStyle: boolean;
}

export function s3Config(): S3Config {
  return {
    endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:7480',
    accessKeyId: process.env.S3_ACCESS_KEY ?? 'infra-test-access',
    secretAccessKey: process.env.S3_SECRET_KEY ?? 'infra-test-secret-key-0123456789',
    region: process.env.S3_REGION ?? 'us-east-1',
    forcePathStyle: (process.env.S3_FORCE_PATH_STYLE ?? 'true') === 'true',
  };
}

/** A client for the test server, with the SDK's default checksum settings (radosgw 16 accepts them). */
export function s3Client(config = s3Config()): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
}

/** A fresh bucket of the test's own; fails (never skips) when no S3 server answers. */
export async function createTestBucket(client: S3Client): Promise<string> {
  const bucket = `infra-test-${randomUUID().slice(0, 13)}`;
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    throw new Error(
      `No S3 server answered at ${s3Config().endpoint} (${(error as Error).message}). ` +
        'Start one with `bash scripts/s3-radosgw.sh start` and export its S3_* lines (set -a; eval "$(...)").',
      { cause: error },
    );
  }
  return bucket;
}

/** Multipart uploads still open in `bucket`. */
export async function openMultipartUploads(client: S3Client, bucket: string): Promise<string[]> {
  const found = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (found.Uploads ?? []).map((upload) => upload.Key ?? '');
}

/** Empties and removes a test bucket. */
export async function removeTestBucket(client: S3Client, bucket: string): Promise<void> {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const upload of uploads.Uploads ?? []) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
  }
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key }));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
