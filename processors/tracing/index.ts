export * from './envelope-attributes.js';
export * from './envelope-links.js';
export * from './lambda-tracing.js';
export * from './link-aware-sampler.js';
export * from './span-catalogue.js';
export * from './trace-context.js';
export * from './tracing.js';
export * from './tracing-environment.js';
