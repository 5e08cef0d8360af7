/**
 * Uploads through @infra/storage: the request body is streamed into the store (never buffered whole), checked
 * by the seed's `image` rule (extension, declared type, sniffed magic bytes, size cap) before a byte is kept,
 * and handed back as a signed download URL. Local disk under DATA_DIR by default, its signed URLs served by the
 * storage's own node handler mounted at `/files/`; S3 (presigned URLs) when S3_ENDPOINT is set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpError } from '@infra/http-status';
import { createStorage, extensionOf, type Storage, storageCheck } from '@infra/storage';
import { localDriver } from '@infra/storage/local';
import { storageHandler } from '@infra/storage/node';
import { s3Driver } from '@infra/storage/s3';
import type { Config } from './config.ts';
import type { Guard } from './guard.ts';
import type { Logger } from './logger.ts';
import { type Router, send, setRoute } from './router.ts';
import type { Services } from './services.ts';

export interface Uploads {
  storage: Storage;
  backend: 'local' | 's3';
  /** Serves the local signed URLs under `/files/`; `false` for any other path (and always on S3). */
  mount(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  routes(router: Router): void;
}

const filesPath = '/files/';
const idPattern = /^[0-9a-f-]{36}\.[a-z0-9]{1,8}$/;

async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
      // Another instance created it in between.
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
  }
}

export async function createUploads(
  config: Config,
  services: Services,
  deps: { guard: Guard; publicUrl: string; logger?: Logger },
): Promise<Uploads> {
  const log = deps.logger ? { logger: deps.logger } : {};
  let storage: Storage;
  let backend: Uploads['backend'];
  if (config.S3_ENDPOINT) {
    const client = new S3Client({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      ...(config.S3_ACCESS_KEY && config.S3_SECRET_KEY
        ? { credentials: { accessKeyId: config.S3_ACCESS_KEY, secretAccessKey: config.S3_SECRET_KEY.reveal() } }
        : {}),
    });
    services.closers.push({ name: 's3', close: async () => client.destroy() });
    await ensureBucket(client, config.S3_BUCKET);
    storage = createStorage({ driver: s3Driver({ client, bucket: config.S3_BUCKET }), ...log });
    backend = 's3';
  } else {
    // Signed by one instance, served by any: a shared secret when configured, else one per process.
    const secret = config.SESSION_SECRET?.reveal() ?? config.AUTH_KEK?.reveal() ?? randomBytes(32).toString('hex');
    storage = createStorage({
      driver: localDriver({ root: resolve(config.DATA_DIR, 'uploads') }),
      signing: { secret, baseUrl: `${deps.publicUrl}${filesPath}` },
      ...log,
    });
    backend = 'local';
  }
  services.closers.push({ name: 'storage', close: () => storage.close() });
  services.health.register('storage', storageCheck({ storage }), { critical: false, componentType: 'datastore' });

  const files = backend === 'local' ? storageHandler({ storage }) : undefined;
  const keyOf = (userId: string, id: string) => `users/${userId}/${id}`;

  return {
    storage,
    backend,
    mount(req, res, url) {
      if (files === undefined || !url.pathname.startsWith(filesPath)) return false;
      setRoute(req, '/files/*');
      files(req, res);
      return true;
    },
    routes(router) {
      router.add('/api/uploads', {
        POST: async ({ req, res, url }) => {
          const caller = await deps.guard.authenticate(req, res);
          if (!caller) return;
          const name = url.searchParams.get('name') ?? '';
          const extension = extensionOf(name);
          if (!extension || !/^[a-z0-9]{1,8}$/.test(extension)) {
            throw HttpError.badRequest('Name the file with ?name=<file>.<extension>, e.g. ?name=photo.png');
          }
          const declared = req.headers['content-type']?.split(';', 1)[0]?.trim();
          const id = `${randomUUID()}.${extension}`;
          const stat = await storage
            .put(keyOf(caller.user.id, id), req, {
              rule: 'image',
              maxBytes: config.UPLOAD_MAX_BYTES,
              ...(declared && declared !== 'application/octet-stream' ? { contentType: declared } : {}),
              metadata: { owner: caller.user.id },
            })
            .catch((error: unknown) => {
              // Refused mid-body (too large, wrong type): close the connection rather than read the rest.
              if (!req.complete) res.setHeader('connection', 'close');
              throw error;
            });
          const download = await storage.signedUrl(stat.key, { expiresIn: '15m', disposition: 'attachment' });
          res.setHeader('location', `/api/uploads/${id}`);
          send(
            req,
            res,
            { data: { id, size: stat.size, contentType: stat.contentType, checksum: stat.checksum, url: download } },
            201,
          );
        },
      });
      router.add('/api/uploads/:id', {
        GET: async ({ req, res, params }) => {
          const caller = await deps.guard.authenticate(req, res);
          if (!caller) return;
          const id = params.id ?? '';
          if (!idPattern.test(id)) throw HttpError.notFound('No such upload');
          // Another user's id is simply not found under the caller's prefix.
          const stat = await storage.stat(keyOf(caller.user.id, id));
          const download = await storage.signedUrl(stat.key, { expiresIn: '15m', disposition: 'attachment' });
          send(req, res, {
            data: { id, size: stat.size, contentType: stat.contentType, checksum: stat.checksum, url: download },
          });
        },
      });
    },
  };
}
