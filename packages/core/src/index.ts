export { compile, Template } from './template.js';
export type { CompileOptions, UpdateOptions } from './template.js';
export type { RenderState, ScopeState, ListState, RegionState } from './state.js';
export { StateTemplateError, TemplateError, RenderError } from './errors.js';
export type { TemplateErrorCode, RenderErrorCode } from './errors.js';
export { stripAnnotations, ROOT_ID } from '@statetemplate/protocol';
export type { Update, Action } from '@statetemplate/protocol';
