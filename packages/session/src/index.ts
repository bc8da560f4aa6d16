export { StateTemplate } from './state-template.js';
export type { StateTemplateOptions, NewSessionOptions, GetSessionOptions, NewSession } from './state-template.js';
export type { TemplateSource } from './template-source.js';
export { Session } from './session.js';
export type { RenderOptions, UpdatesOptions, NavigateOptions } from './session.js';
export { SessionStream } from './session-stream.js';
export type { StreamInsertOptions } from './session-stream.js';
export type { StreamOptions } from './session-engine.js';
export type { PageCommand, SessionCommand } from './session-command.js';
export type { LiveUpdates as UpdateStream } from './update-stream.js';
export type { SessionUpdate, Resync } from './session-update.js';
export type { Presence, PresenceEntry, PresenceEvent } from './presence.js';
export type { StateTemplateMetrics } from './session-metrics.js';
export type { StoreMetrics } from './store-health.js';
export type { RateSnapshot } from './rate.js';
export type { LatencySnapshot } from './latency.js';
export { Renderer } from './renderer.js';
export type { SessionErrorCode } from './errors.js';
export {
  SessionError,
  InvalidTokenError,
  SessionExpiredError,
  SessionNotFoundError,
  SessionLimitError,
  SessionClosedError,
  SessionConflictError,
  ResyncUnavailableError,
  StreamRefusedError,
} from './errors.js';
// The store contract, for applications that pass or implement a store.
export type { SessionStore, SessionRecord, JsonValue, Logger } from '@statetemplate/store';
export { StoreError } from '@statetemplate/store';
