import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_ID, newSessionId, TokenManager } from '../src/index.js';
import { randomSecret, refusal } from './helpers.js';

const oldSecret = randomSecret();
const newSecret = randomSecret();

describe('key rotation', () => {
  it('encrypts with the first key of the set and names it in the protected header', async () => {
    const manager = new TokenManager({
      keys: [
        { kid: '2025-02', secret: newSecret },
        { kid: '2025-01', secret: oldSecret },
      ],
    });
    expect(decodeProtectedHeader(await manager.generateToken(newSessionId()))).toEqual({ alg: 'dir', enc: 'A256GCM', kid: '2025-02' });
  });

  it('still validates tokens of the previous key after a new key is put first', async () => {
    const before = new TokenManager({ keys: [{ kid: '2025-01', secret: oldSecret }] });
    const after = new TokenManager({
      keys: [
        { kid: '2025-02', secret: newSecret },
        { kid: '2025-01', secret: oldSecret },
      ],
    });
    const sessionId = newSessionId();
    const oldToken = await before.generateToken(sessionId);
    await expect(after.validateAccess(sessionId, oldToken)).resolves.toMatchObject({ sid: sessionId });
    // Instances not yet rotated refuse the new kid until they are redeployed.
    await refusal(before.validateToken(await after.generateToken(sessionId)), 'invalid');
  });

  it('refuses tokens of a key once it is removed from the set', async () => {
    const before = new TokenManager({ keys: [{ kid: '2025-01', secret: oldSecret }] });
    const removed = new TokenManager({ keys: [{ kid: '2025-02', secret: newSecret }] });
    const error = await refusal(removed.validateToken(await before.generateToken(newSessionId())), 'invalid');
    expect(error.message).toMatch(/unknown key/);
  });

  it('refuses a token whose kid is known but whose secret is not the one behind it', async () => {
    const issuer = new TokenManager({ keys: [{ kid: '2025-01', secret: oldSecret }] });
    const impostor = new TokenManager({ keys: [{ kid: '2025-01', secret: newSecret }] });
    await refusal(impostor.validateToken(await issuer.generateToken(newSessionId())), 'invalid');
  });

  it('lets a bare secret migrate into a key set under DEFAULT_KEY_ID without invalidating its tokens', async () => {
    const single = new TokenManager({ keys: oldSecret });
    const rotated = new TokenManager({
      keys: [
        { kid: '2025-02', secret: newSecret },
        { kid: DEFAULT_KEY_ID, secret: oldSecret },
      ],
    });
    const sessionId = newSessionId();
    await expect(rotated.validateToken(await single.generateToken(sessionId))).resolves.toMatchObject({ sid: sessionId });
  });
});
