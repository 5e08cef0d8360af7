/** Test images and an upload call. */

/** A PNG signature and IHDR chunk, padded to `size` bytes: sniffs as image/png. */
export function png(size: number): Buffer {
  const head = Buffer.from('89504e470d0a1a0a0000000d494844520000000100000001080600000000', 'hex');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 7)]);
}

export interface UploadAnswer {
  status: number;
  headers: Headers;
  body: { data: { id: string; url: string; size: number; contentType: string; checksum: string } };
}

/** POSTs `bytes` as a streamed body (chunked, no Content-Length) to /api/uploads. */
export async function upload(base: string, token: string, name: string, bytes: Buffer): Promise<UploadAnswer> {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
      controller.close();
    },
  });
  const res = await fetch(`${base}/api/uploads?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
