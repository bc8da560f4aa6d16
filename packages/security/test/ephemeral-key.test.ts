import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EPHEMERAL_KEY_WARNING, newSessionId, TokenManager } from '../src/index.js';

/** Warnings carrying our code, emitted while `act` runs (emitWarning dispatches on the next tick). */
async function ephemeralWarnings(warnings: Error[], act: () => void): Promise<Error[]> {
  warnings.length = 0;
  act();
  await new Promise((resolve) => setImmediate(resolve));
  return warnings.filter((warning) => (warning as Error & { code?: string }).code === EPHEMERAL_KEY_WARNING);
}

// Its own file, and in this order: the per-process key and its warning are
// module state, fresh per test file, so the keyed case must run first.
describe('running without configured keys', () => {
  const warnings: Error[] = [];
  const listener = (warning: Error): void => {
    warnings.push(warning);
  };
  beforeEach(() => {
    process.on('warning', listener);
  });
  afterEach(() => {
    process.off('warning', listener);
  });

  it('does not generate a key or warn when keys are given', async () => {
    expect(await ephemeralWarnings(warnings, () => new TokenManager({ keys: 'k'.repeat(32) }))).toHaveLength(0);
  });

  it('emits exactly one coded warning per process, however many managers are made', async () => {
    const emitted = await ephemeralWarnings(warnings, () => {
      new TokenManager();
      new TokenManager({ ttl: 60_000 });
      new TokenManager();
    });
    expect(emitted).toHaveLength(1);
    expect(emitted[0]?.message).toMatch(/restart/);
    expect(emitted[0]?.message).toMatch(/other instances/);
    // It names the option most applications set, not only the low-level one.
    expect(emitted[0]?.message).toContain('pass `signingKey` to StateTemplate');
  });

  it('shares one random key across the process, so keyless managers accept each other’s tokens', async () => {
    const sessionId = newSessionId();
    const token = await new TokenManager().generateToken(sessionId);
    await expect(new TokenManager().validateToken(token)).resolves.toMatchObject({ sid: sessionId });
    await expect(new TokenManager({ keys: 'k'.repeat(32) }).validateToken(token)).rejects.toMatchObject({ code: 'invalid' });
  });
});
