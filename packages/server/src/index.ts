export { attach, type Attached } from './attach.js';
export type { AttachOptions, ConnectionContext, HttpServer } from './options.js';
