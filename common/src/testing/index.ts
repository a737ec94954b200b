export * from './service-process.js';
export * from './stack-image.js';
export * from './raw-request.js';
export * from './recording-registry.js';
export * from './config-error.js';
export * from './service-starter.js';
export * from './shutdown-recorder.js';
