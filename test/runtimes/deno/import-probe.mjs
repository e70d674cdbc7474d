// Run with no permissions at all: importing the Deno entry and making its default checkpoint
// store must not read the environment or the file system (Deno would refuse).
const [root, api] = await Promise.all([import('vod-upload'), import('vod-upload/deno')]);
const store = api.createDirectoryCheckpointStore();
let firstUse;
try {
  await store.get('a'.repeat(64));
  firstUse = 'allowed';
} catch (error) {
  firstUse = error?.name ?? String(error);
}
console.log(`RESULT ${JSON.stringify({ adapter: typeof api.createDenoHasher === 'function' && root.upload === api.upload, firstUse })}`);
