/**
 * @infra/env vs envalid on the same 50-variable environment as `env.ts` (see there).
 * Peer: `cleanEnv(record, spec)` with envalid's own validators (port, num, bool, url, str) and a
 * reporter that throws, since envalid's default reporter exits the process.
 */
import { bool, cleanEnv, num, port, str, url } from 'envalid';
import { defineScenario } from '../src/scenario.ts';
import { environment, expectThrow, ours } from './env.ts';

function spec() {
  const validators: Record<string, ReturnType<typeof str> | ReturnType<typeof num> | ReturnType<typeof bool>> = {};
  for (let i = 0; i < 10; i++) {
    validators[`PORT_${i}`] = port({ default: 3000 });
    validators[`COUNT_${i}`] = num({ default: 0 });
    validators[`FLAG_${i}`] = bool({ default: false });
    validators[`URL_${i}`] = url({ default: 'https://default.example.com' });
    validators[`NAME_${i}`] = str({ default: 'none' });
  }
  return validators;
}

export default defineScenario({
  name: 'env-envalid',
  ours: '@infra/env',
  peer: 'envalid',
  description: 'validate 50 variables into a typed object (valid, and with 6 invalid)',
  async run(bench) {
    // envalid reports `PORT_4=` as invalid instead of applying the default, so both sides get the
    // record with those keys left out (the same meaning: not set).
    const valid = environment(false, 'absent');
    const invalid = environment(true, 'absent');
    const validators = spec();
    const envalid = (record: Record<string, string>) =>
      cleanEnv(record, validators, {
        reporter: ({ errors }) => {
          if (Object.keys(errors).length > 0) throw new Error(`${Object.keys(errors).length} invalid`);
        },
      });
    if (ours.parse(valid) !== Object.keys(envalid(valid)).length)
      throw new Error('the sides disagree on the valid record');
    expectThrow(() => ours.parse(invalid));
    expectThrow(() => envalid(invalid));

    let sink = 0;
    await bench.compare('50 variables, valid', {
      ours: () => {
        sink += ours.parse(valid);
      },
      peer: () => {
        sink += Object.keys(envalid(valid)).length;
      },
    });
    await bench.compare('50 variables, 6 invalid (all reported)', {
      ours: () => {
        sink += expectThrow(() => ours.parse(invalid));
      },
      peer: () => {
        sink += expectThrow(() => envalid(invalid));
      },
    });
    if (sink === 0) throw new Error('nothing ran');
  },
});
