export * from './clients.js';
export * from './experiment-schema.js';
export * from './experiments.js';
export * from './format.js';
export * from './report.js';
export * from './run-context.js';
export * from './runner.js';
export { composeDocker } from './docker-client.js';
export { fetchHttp } from './fetch-http.js';
