export { attach, type Attached, type ServerMetrics } from './attach.js';
export type { TransportMetrics } from './connections.js';
export type { Logger, StateTemplateMetrics } from '@statetemplate/session';
export { clientScriptPath, serveClientScript } from './client-script.js';
export { OriginRefusedError } from './origin-refused-error.js';
export type { RequestBody } from './sse-transport.js';
export type { AttachOptions, CompressionOptions, ConnectionContext, EventHandlers, EventMap, HttpServer } from './options.js';
export { UploadError, type IncomingFile, type UploadLimits } from './uploads.js';
