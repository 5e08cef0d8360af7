import { describe, expect, it } from 'vitest';
import { missingOptionalPeer, optionalPeerSpecs } from '../consumer.ts';

const storage = {
  peerDependencies: { '@aws-sdk/client-s3': '>=3.700.0', '@types/node': '>=22', '@infra/cache': '*', ioredis: '>=5' },
  peerDependenciesMeta: {
    '@aws-sdk/client-s3': { optional: true },
    '@types/node': { optional: true },
    '@infra/cache': { optional: true },
  },
};

describe('optional peers', () => {
  it('lists the optional peers a subpath user installs, not @types/node, @infra packages or required peers', () => {
    expect(optionalPeerSpecs([storage])).toEqual(['@aws-sdk/client-s3@>=3.700.0']);
  });

  it('excuses an import failure only when it names one of the package’s own optional peers', () => {
    const missing = (name: string) =>
      `import('@infra/storage/s3') fails: ERR_MODULE_NOT_FOUND: Cannot find package '${name}' imported from /x/dist/s3.js`;
    expect(missingOptionalPeer(missing('@aws-sdk/client-s3'), storage)).toBe(true);
    expect(missingOptionalPeer(missing('left-pad'), storage)).toBe(false);
    expect(missingOptionalPeer(missing('ioredis'), storage)).toBe(false);
    expect(missingOptionalPeer('SyntaxError: Unexpected token', storage)).toBe(false);
  });
});
