export type { JsonValue, LogAppend, SessionRecord, SessionStore } from './session-store.js';
export type { StoreErrorCode } from './store-error.js';
export { StoreError } from './store-error.js';
export { checkLogger, type Logger } from './logger.js';
