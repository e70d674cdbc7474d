// Importing the Node entry must not touch `process` (nor, through it, the environment): a getter
// on globalThis.process records every access made while `vod-upload` is imported.
const real = globalThis.process;
const touched = [];
Object.defineProperty(globalThis, 'process', {
  configurable: true,
  get() {
    touched.push(new Error('process read').stack.split('\n').slice(2, 4).join(' | ').trim());
    return real;
  },
});
const [root, api] = await Promise.all([import('vod-upload'), import('vod-upload/node')]);
Object.defineProperty(globalThis, 'process', { configurable: true, writable: true, value: real });
console.log(`RESULT ${JSON.stringify({ touched, adapter: typeof api.createNodeHasher === 'function' && root.upload === api.upload })}`);
