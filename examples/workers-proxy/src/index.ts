import { createUploadProxy } from 'vod-upload/proxy';

interface Env { VOD_SECRET_ID: string; VOD_SECRET_KEY: string; VOD_UPSTREAM?: string; UPLOAD_TOKEN: string }
let proxy: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    proxy ??= createUploadProxy({
      secretId: env.VOD_SECRET_ID, secretKey: env.VOD_SECRET_KEY, upstream: env.VOD_UPSTREAM,
      authorize: (req) => req.headers.get('Authorization') === `Bearer ${env.UPLOAD_TOKEN}`, // your session check here
      limits: { maxFileSize: 4 * 1024 ** 3, allowedTypes: ['mp4', 'mov', 'webm'] },
    });
    return proxy(request);
  },
};
