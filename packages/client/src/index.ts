export { applyUpdate, applyUpdates, type Root } from './patch.js';
export { ApplyError, type ApplyErrorCode } from './errors.js';
export { connect, type ConnectOptions, type LiveConnection } from './connect.js';
export type { EventError } from './pending-events.js';
export type { WebSocketClass } from './socket.js';
export type { Hook, HookContext } from './hooks.js';
