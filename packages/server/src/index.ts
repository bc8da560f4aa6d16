export { attach, type Attached } from './attach.js';
export { OriginRefusedError } from './origin-refused-error.js';
export type { AttachOptions, ConnectionContext, HttpServer } from './options.js';
export { UploadError, type IncomingFile, type UploadLimits } from './uploads.js';
