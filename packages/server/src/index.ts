export { attach, type Attached } from './attach.js';
export { clientScriptPath, serveClientScript } from './client-script.js';
export { OriginRefusedError } from './origin-refused-error.js';
export type { RequestBody } from './sse-transport.js';
export type { AttachOptions, CompressionOptions, ConnectionContext, EventHandlers, EventMap, HttpServer } from './options.js';
export { UploadError, type IncomingFile, type UploadLimits } from './uploads.js';
