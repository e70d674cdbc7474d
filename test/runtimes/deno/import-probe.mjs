// Run with no permissions at all: importing the Deno entry and making its default checkpoint
// store must not read the environment or the file system (Deno would refuse).
const api = await import('vod-upload');
const store = api.createDirectoryCheckpointStore();
let firstUse;
try {
  await store.get('a'.repeat(64));
  firstUse = 'allowed';
} catch (error) {
  firstUse = error?.name ?? String(error);
}
console.log(`RESULT ${JSON.stringify({ adapter: typeof api.createDenoHasher === 'function', firstUse })}`);
