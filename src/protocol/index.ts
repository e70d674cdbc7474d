export * from './errors.js';
export * from './schemas.js';
export * from './signature.js';
export * from './wire.js';
export * from './validate.js';
export * from './rate-limits.js';
