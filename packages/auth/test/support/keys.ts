/** Key material for tests: an app-provided Ed25519 key as PEM, so a test can sign whatever it wants with it. */
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

export interface PemPair {
  privateKey: string;
  publicKey: string;
}

export async function pemPair(alg: 'EdDSA' | 'ES256' | 'RS256' = 'EdDSA'): Promise<PemPair> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { privateKey: await exportPKCS8(pair.privateKey), publicKey: await exportSPKI(pair.publicKey) };
}
