export * from './requests.js';
export * from './chain-responses.js';
export * from './node-responses.js';
export * from './routes.js';
export * from './match.js';
export * from './realtime-messages.js';
export * from './route-path.js';
