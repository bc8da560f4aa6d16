import { randomBytes } from 'node:crypto';

export const EPHEMERAL_KEY_WARNING = 'STATETEMPLATE_EPHEMERAL_TOKEN_KEY';
export const EPHEMERAL_KEY_ID = 'ephemeral';

let processSecret: Uint8Array | undefined;

/**
 * One random secret shared by every keyless TokenManager of this process, so
 * they agree with each other. The first call warns, once per process.
 */
export function ephemeralSecret(): Uint8Array {
  if (processSecret === undefined) {
    processSecret = randomBytes(32);
    process.emitWarning(
      'No token keys were configured, so a random key was generated for this process: ' +
        'session tokens will not survive a restart and will not be accepted by other instances. ' +
        'In production pass `signingKey` to StateTemplate (or `keys` to TokenManager when using it directly).',
      { code: EPHEMERAL_KEY_WARNING },
    );
  }
  return processSecret;
}
