// S3 and S3-compatible stores (AWS, R2, MinIO, Ceph radosgw, GCS's XML API) through the app's `@aws-sdk/client-s3`
// client. A body of unknown length never needs a ContentLength: the first part is read into memory; a body that ends
// within it is one PutObject (with its SHA-256 in the metadata), a longer one a multipart upload (lib-storage's
// `Upload`) whose part size and concurrency bound the memory it holds, aborted on any error or abort so no parts are
// left behind. The SHA-256 of a multipart upload is known only at its end, after S3 has fixed the metadata, so it is
// stored as an object tag (one small request); stores without tagging (R2) get it by a server-side copy of the
// object onto itself, which no bytes pass through the app for but which costs the store a copy.
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DriverCapabilities, ListEntry, ObjectStat, StorageDriver } from '../driver.ts';
import { conflict, notFound, rangeNotSatisfiable, wholeSeconds } from '../driver-kit.ts';
import { check, invalidOption, StorageError } from '../errors.ts';
import { checksumMetadataName } from '../metadata.ts';

/** Options of {@link s3Driver}. */
export interface S3DriverOptions {
  /** The app's `S3Client` (never modified, never closed by the driver). */
  client: S3Client;
  bucket: string;
  /** A key prefix inside the bucket (`'uploads/'`). @default '' */
  prefix?: string;
  /**
   * Multipart part size in bytes (at least 5 MiB, S3's minimum). A write of unknown length holds at most
   * `partSize × (queueSize + 1)` bytes in memory. @default 8 MiB
   */
  partSize?: number;
  /** Parts uploaded at once. @default 4 */
  queueSize?: number;
  /**
   * Whether the store supports object tagging, where the SHA-256 of a multipart upload is kept. Without it the
   * checksum is added by copying the object onto itself. @default true (AWS, MinIO, Ceph); R2: false
   */
  tagging?: boolean;
  /**
   * What the backend supports where S3-compatible stores differ. @default presigned URLs and POST, and atomic
   * `ifNoneMatch` (AWS, MinIO, Ceph); R2 has no presigned POST: pass `{ presignedPost: false }`
   */
  capabilities?: Partial<DriverCapabilities>;
}

const MiB = 1024 * 1024;

interface S3Failure {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const failure = (error: unknown): S3Failure => (error ?? {}) as S3Failure;
const status = (error: unknown) => failure(error).$metadata?.httpStatusCode;
const isMissing = (error: unknown) =>
  status(error) === 404 || ['NotFound', 'NoSuchKey'].includes(failure(error).name ?? failure(error).Code ?? '');
const isPreconditionFailed = (error: unknown) =>
  status(error) === 412 || failure(error).name === 'PreconditionFailed' || failure(error).Code === 'PreconditionFailed';

/** Reads up to `limit` bytes from `iterator` into one buffer; `done` when the source ended within them. */
async function readPart(iterator: AsyncIterator<Uint8Array>, limit: number): Promise<{ head: Buffer; done: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const next = await iterator.next();
    if (next.done === true) return { head: Buffer.concat(chunks), done: true };
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  return { head: Buffer.concat(chunks), done: false };
}

/** The S3 driver. @example s3Driver({ client: new S3Client({ region }), bucket: 'uploads' }) */
export function s3Driver(options: S3DriverOptions): StorageDriver {
  const client = options?.client;
  if (typeof client?.send !== 'function') throw invalidOption('client', 'expected an S3Client from @aws-sdk/client-s3');
  const bucket = check.string(options.bucket, 'bucket');
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.endsWith('/')) || prefix.startsWith('/')) {
    throw invalidOption('prefix', 'expected "" or a path ending in "/" (not starting with one)');
  }
  const partSize = check.number(options.partSize, 'partSize', { default: 8 * MiB, min: 5 * MiB, integer: true });
  const queueSize = check.number(options.queueSize, 'queueSize', { default: 4, min: 1, max: 64, integer: true });
  const tagging = check.boolean(options.tagging, 'tagging', true);
  const capabilities: DriverCapabilities = {
    presignedUrls: true,
    presignedPost: true,
    atomicIfNoneMatch: true,
    ...options.capabilities,
  };
  const full = (key: string) => prefix + key;
  const copySource = (key: string) => `${bucket}/${full(key).split('/').map(encodeURIComponent).join('/')}`;

  const userMetadata = (metadata: Record<string, string> | undefined) => {
    const { [checksumMetadataName]: _checksum, ...rest } = metadata ?? {};
    return rest;
  };

  // Only multipart objects (their ETag has a "-<parts>" suffix) may keep the checksum in a tag: one more request
  // for those alone.
  const taggedChecksum = async (key: string, etag: string | undefined): Promise<string | undefined> => {
    if (!tagging || etag === undefined || !etag.includes('-')) return undefined;
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: full(key) }));
    return tags.TagSet?.find((tag) => tag.Key === checksumMetadataName)?.Value;
  };

  const head = async (key: string): Promise<ObjectStat | undefined> => {
    try {
      const found = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }));
      return {
        key,
        size: found.ContentLength ?? 0,
        etag: found.ETag ?? '""',
        contentType: found.ContentType ?? 'application/octet-stream',
        lastModified: found.LastModified ?? new Date(0),
        metadata: userMetadata(found.Metadata),
        checksum: found.Metadata?.[checksumMetadataName] ?? (await taggedChecksum(key, found.ETag)),
        cacheControl: found.CacheControl,
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };

  const copyObject = async (from: string, to: string, overwrite: boolean): Promise<void> => {
    if (!overwrite && (await head(to)) !== undefined) throw conflict(to);
    try {
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: full(to), CopySource: copySource(from) }));
    } catch (error) {
      if (isMissing(error)) throw notFound(from);
      throw error;
    }
  };

  const driver: StorageDriver = {
    name: 's3',
    capabilities,

    async put(key, source, put) {
      const iterator = source[Symbol.asyncIterator]();
      const common = {
        Bucket: bucket,
        Key: full(key),
        ContentType: put.contentType,
        ...(put.cacheControl === undefined ? {} : { CacheControl: put.cacheControl }),
        ...(put.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
      };
      try {
        const { head: first, done } = await readPart(iterator, partSize);
        if (done) {
          await client.send(
            new PutObjectCommand({
              ...common,
              Body: first,
              ContentLength: first.byteLength,
              Metadata: { ...put.metadata, [checksumMetadataName]: put.checksum() },
            }),
            put.signal === undefined ? {} : { abortSignal: put.signal },
          );
        } else {
          if (put.ifNoneMatch && (await head(key)) !== undefined) throw conflict(key);
          async function* rest(): AsyncGenerator<Uint8Array> {
            yield first;
            for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
          }
          // lib-storage aborts the multipart upload (leavePartsOnError: false) when the body fails, which is how a
          // refused or aborted body reaches it: `done()` settles only after the abort request has been answered.
          const upload = new Upload({
            client,
            params: { ...common, Body: Readable.from(rest()), Metadata: { ...put.metadata } },
            partSize,
            queueSize,
            leavePartsOnError: false,
          });
          await upload.done();
          if (tagging) {
            await client.send(
              new PutObjectTaggingCommand({
                Bucket: bucket,
                Key: full(key),
                Tagging: { TagSet: [{ Key: checksumMetadataName, Value: put.checksum() }] },
              }),
            );
          } else {
            await client.send(
              new CopyObjectCommand({
                Bucket: bucket,
                Key: full(key),
                CopySource: copySource(key),
                MetadataDirective: 'REPLACE',
                ContentType: put.contentType,
                ...(put.cacheControl === undefined ? {} : { CacheControl: put.cacheControl }),
                Metadata: { ...put.metadata, [checksumMetadataName]: put.checksum() },
              }),
            );
          }
        }
      } catch (error) {
        await iterator.return?.().catch(() => {});
        if (isPreconditionFailed(error)) throw conflict(key);
        throw error;
      }
      const stat = await head(key);
      if (stat === undefined) throw notFound(key);
      return stat;
    },

    async get(key, { range, signal }) {
      try {
        const found = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: full(key),
            ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end ?? ''}` }),
          }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(found.ContentRange ?? '');
        const size = contentRange === null ? (found.ContentLength ?? 0) : Number(contentRange[3]);
        const stat: ObjectStat = {
          key,
          size,
          etag: found.ETag ?? '""',
          contentType: found.ContentType ?? 'application/octet-stream',
          lastModified: found.LastModified ?? new Date(0),
          metadata: userMetadata(found.Metadata),
          checksum: found.Metadata?.[checksumMetadataName] ?? (await taggedChecksum(key, found.ETag)),
          cacheControl: found.CacheControl,
        };
        const body = found.Body instanceof Readable ? found.Body : Readable.from([]);
        return {
          stat,
          body,
          range:
            range === undefined
              ? undefined
              : contentRange === null
                ? { start: 0, end: Math.max(0, size - 1) }
                : { start: Number(contentRange[1]), end: Number(contentRange[2]) },
        };
      } catch (error) {
        if (isMissing(error)) throw notFound(key);
        if (status(error) === 416 || failure(error).name === 'InvalidRange') {
          const stat = await head(key);
          if (stat === undefined) throw notFound(key);
          throw rangeNotSatisfiable(key, range?.start ?? 0, stat.size);
        }
        throw error;
      }
    },

    stat: head,

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) }));
    },

    async deleteMany(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000);
        const result = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((key) => ({ Key: full(key) })), Quiet: true },
          }),
        );
        const failed = result.Errors ?? [];
        if (failed.length > 0) {
          throw new StorageError(
            'ERR_STORAGE_DRIVER',
            `Could not delete ${failed.length} object(s): ${failed.map((f) => `${f.Key} (${f.Code})`).join(', ')}`,
          );
        }
      }
    },

    copy: (from, to, { overwrite }) => copyObject(from, to, overwrite),

    async move(from, to, { overwrite }) {
      await copyObject(from, to, overwrite);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(from) }));
    },

    async list(listPrefix, { cursor, limit, recursive }) {
      const base = full(listPrefix === '' ? '' : `${listPrefix}/`);
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: base,
          MaxKeys: limit,
          ...(recursive ? {} : { Delimiter: '/' }),
          ...(cursor === undefined ? {} : { ContinuationToken: cursor }),
        }),
      );
      const items: ListEntry[] = [
        ...(page.Contents ?? []).map(
          (object): ListEntry => ({
            type: 'file',
            key: (object.Key ?? '').slice(prefix.length),
            size: object.Size ?? 0,
            lastModified: wholeSeconds(object.LastModified?.getTime() ?? 0),
          }),
        ),
        ...(page.CommonPrefixes ?? []).map(
          (common): ListEntry => ({ type: 'directory', key: (common.Prefix ?? '').slice(prefix.length, -1) }),
        ),
      ];
      const order = (entry: ListEntry) => Buffer.from(entry.type === 'directory' ? `${entry.key}/` : entry.key);
      items.sort((a, b) => Buffer.compare(order(a), order(b)));
      return { items, cursor: page.IsTruncated === true ? page.NextContinuationToken : undefined };
    },

    async presign(key, presign) {
      const signingDate = presign.now;
      if (presign.method === 'GET') {
        return getSignedUrl(
          client,
          new GetObjectCommand({
            Bucket: bucket,
            Key: full(key),
            ...(presign.disposition === undefined ? {} : { ResponseContentDisposition: presign.disposition }),
          }),
          { expiresIn: presign.expiresIn, signingDate },
        );
      }
      if (presign.size === undefined) {
        throw new StorageError(
          'ERR_STORAGE_UNSUPPORTED',
          'An S3 presigned PUT can only fix the exact size (size); for a size cap use presignedPost',
        );
      }
      const signed = new Set(['content-length']);
      if (presign.contentType !== undefined) signed.add('content-type');
      return getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket: bucket,
          Key: full(key),
          ContentLength: presign.size,
          ...(presign.contentType === undefined ? {} : { ContentType: presign.contentType }),
        }),
        { expiresIn: presign.expiresIn, signingDate, signableHeaders: signed },
      );
    },

    async presignPost(key, post) {
      const { createPresignedPost } = await import('@aws-sdk/s3-presigned-post');
      const conditions: NonNullable<Parameters<typeof createPresignedPost>[1]['Conditions']> = [
        ['content-length-range', 0, post.maxBytes],
      ];
      if (post.contentType !== undefined) conditions.push(['eq', '$Content-Type', post.contentType]);
      return createPresignedPost(client, {
        Bucket: bucket,
        Key: full(key),
        Conditions: conditions,
        Fields: post.contentType === undefined ? {} : { 'Content-Type': post.contentType },
        Expires: post.expiresIn,
      });
    },
  };
  return driver;
}
