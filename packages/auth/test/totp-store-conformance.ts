/**
 * The one conformance suite of the second-factor store contract, run on memory, Redis, the Redis Cluster and
 * PostgreSQL. `stores()` gives several stores over separate connections (as several app instances), so the races
 * are real races between connections.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRecoveryCodes, createTotp, type TwoFactorStore } from '../src/index.ts';

export function twoFactorStoreConformance(name: string, stores: () => readonly TwoFactorStore[]): void {
  const user = () => `user-${randomUUID()}`;
  const one = () => stores()[0] as TwoFactorStore;

  describe(`two-factor store conformance: ${name}`, () => {
    describe('claimTotpStep', () => {
      it('claims a first step', async () => {
        expect(await one().claimTotpStep(user(), 100, 90_000)).toBe(true);
      });

      it('refuses the same step a second time', async () => {
        const id = user();
        await one().claimTotpStep(id, 100, 90_000);
        expect(await one().claimTotpStep(id, 100, 90_000)).toBe(false);
      });

      it('refuses an earlier step once a later one is claimed', async () => {
        const id = user();
        await one().claimTotpStep(id, 101, 90_000);
        expect(await one().claimTotpStep(id, 100, 90_000)).toBe(false);
      });

      it('claims a later step', async () => {
        const id = user();
        await one().claimTotpStep(id, 100, 90_000);
        expect(await one().claimTotpStep(id, 101, 90_000)).toBe(true);
      });

      it('keeps users apart', async () => {
        await one().claimTotpStep(user(), 100, 90_000);
        expect(await one().claimTotpStep(user(), 100, 90_000)).toBe(true);
      });

      it('of 40 racing claims of one step from every connection, exactly one wins', async () => {
        const id = user();
        const all = stores();
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (all[i % all.length] as TwoFactorStore).claimTotpStep(id, 5000, 90_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('after racing claims of steps 1..20 from every connection, step 20 holds: 20 is refused, 21 claimed', async () => {
        const id = user();
        const all = stores();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (all[i % all.length] as TwoFactorStore).claimTotpStep(id, i + 1, 90_000),
          ),
        );
        // Step 20 is later than anything else, so its claim wins whenever it arrives.
        expect(results[19]).toBe(true);
        expect(await one().claimTotpStep(id, 20, 90_000)).toBe(false);
        expect(await one().claimTotpStep(id, 21, 90_000)).toBe(true);
      });
    });

    describe('recovery codes', () => {
      it('counts what was stored', async () => {
        const id = user();
        await one().replaceRecoveryCodes(id, ['a', 'b', 'c']);
        expect(await one().countRecoveryCodes(id)).toBe(3);
      });

      it('consumes a code once', async () => {
        const id = user();
        await one().replaceRecoveryCodes(id, ['a', 'b']);
        expect(await one().consumeRecoveryCode(id, 'a')).toBe(true);
        expect(await one().consumeRecoveryCode(id, 'a')).toBe(false);
        expect(await one().countRecoveryCodes(id)).toBe(1);
      });

      it('refuses a code of another user', async () => {
        const id = user();
        await one().replaceRecoveryCodes(id, ['a']);
        expect(await one().consumeRecoveryCode(user(), 'a')).toBe(false);
      });

      it('replacing the set invalidates every old code', async () => {
        const id = user();
        await one().replaceRecoveryCodes(id, ['a', 'b']);
        await one().replaceRecoveryCodes(id, ['c']);
        expect(await one().consumeRecoveryCode(id, 'a')).toBe(false);
        expect(await one().countRecoveryCodes(id)).toBe(1);
      });

      it('replacing with an empty set removes them all', async () => {
        const id = user();
        await one().replaceRecoveryCodes(id, ['a', 'b']);
        await one().replaceRecoveryCodes(id, []);
        expect(await one().countRecoveryCodes(id)).toBe(0);
      });

      it('of 30 racing consumptions of one code from every connection, exactly one wins', async () => {
        const id = user();
        const all = stores();
        await one().replaceRecoveryCodes(id, ['x', 'y']);
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => (all[i % all.length] as TwoFactorStore).consumeRecoveryCode(id, 'x')),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await one().countRecoveryCodes(id)).toBe(1);
      });

      it('two racing regenerations leave exactly one whole set', async () => {
        const id = user();
        const all = stores();
        const a = Array.from({ length: 10 }, (_, i) => `a${i}`);
        const b = Array.from({ length: 10 }, (_, i) => `b${i}`);
        await Promise.all([
          (all[0] as TwoFactorStore).replaceRecoveryCodes(id, a),
          (all[1 % all.length] as TwoFactorStore).replaceRecoveryCodes(id, b),
        ]);
        expect(await one().countRecoveryCodes(id)).toBe(10);
      });
    });

    describe('through createTotp and createRecoveryCodes', () => {
      it('one TOTP code raced by every instance (separate connections) is accepted once', async () => {
        const instances = stores().map((store) => createTotp({ issuer: 'Acme', store }));
        const first = instances[0] as ReturnType<typeof createTotp>;
        const { secret } = first.enroll('alice');
        const code = first.generate(secret);
        const id = user();
        const results = await Promise.all(
          Array.from({ length: 24 }, (_, i) => instances[i % instances.length]?.verify(id, secret, code)),
        );
        expect(results.filter((result) => result?.ok)).toHaveLength(1);
        expect(results.filter((result) => result?.ok === false && result.reason === 'replayed')).toHaveLength(23);
      });

      it('a recovery code raced by every instance is accepted once', async () => {
        const instances = stores().map((store) => createRecoveryCodes({ store }));
        const id = user();
        const codes = await (instances[0] as ReturnType<typeof createRecoveryCodes>).generate(id);
        const results = await Promise.all(
          Array.from({ length: 24 }, (_, i) => instances[i % instances.length]?.consume(id, codes[0] as string)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}
