// A stand-in for the browser's push service (Google's for Chromium), which the test machine cannot
// reach. It plays both of that service's roles: towards the page, the subscription that
// PushManager.subscribe returns (an endpoint here, and keys whose private half this process holds);
// towards the push worker, the endpoint that takes a Web Push request (RFC 8030), checks its VAPID
// authorization (RFC 8292) and decrypts its aes128gcm payload (RFC 8291) as the browser would.
import { createECDH, createPublicKey, hkdfSync, createDecipheriv, randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:http';

export class PushServiceStandIn {
  constructor({ vapidPublicKey }) {
    this.vapidPublicKey = vapidPublicKey;
    this.received = []; // { path, headers, payload }
    this.waiters = [];
  }

  async start() {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise(resolve => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  stop() { return new Promise(resolve => (this.server ? this.server.close(resolve) : resolve())); }

  /** What subscribe() would have answered: an endpoint here and this "browser's" keys. */
  newSubscription(name) {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const endpoint = `${this.origin}/send/${name}`;
    this.keys ??= new Map();
    this.keys.set(`/send/${name}`, { ecdh, auth });
    return { endpoint, p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') };
  }

  /** The next decrypted push for an endpoint path, within timeoutMs. */
  next(path, timeoutMs = 30_000) {
    const found = this.received.find(push => push.path === path && !push.taken);
    if (found) { found.taken = true; return Promise.resolve(found); }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no push reached ${path} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ path, resolve: push => { clearTimeout(timer); push.taken = true; resolve(push); } });
    });
  }

  async handle(request, response) {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const keys = this.keys?.get(request.url);
    const answer = (status, text = '') => { response.writeHead(status); response.end(text); };
    if (request.method !== 'POST' || !keys) return answer(404, 'no such subscription');
    const problem = this.checkVapid(request.headers.authorization);
    if (problem) return answer(401, problem);
    if (request.headers['content-encoding'] !== 'aes128gcm' || !request.headers.ttl) return answer(400, 'content-encoding aes128gcm and a TTL are required');
    let payload;
    try {
      payload = JSON.parse(decrypt(body, keys));
    } catch (error) {
      return answer(400, `cannot decrypt: ${error.message}`);
    }
    const push = { path: request.url, headers: request.headers, payload };
    const waiter = this.waiters.findIndex(w => w.path === push.path);
    if (waiter >= 0) this.waiters.splice(waiter, 1)[0].resolve(push);
    this.received.push(push);
    answer(201);
  }

  /** "vapid t=<ES256 JWT>, k=<public key>": the configured key, signed by its private half, for this origin. */
  checkVapid(header) {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
    if (!match) return 'Authorization must be "vapid t=…, k=…"';
    const [, jwt, key] = match;
    if (key !== this.vapidPublicKey) return 'k is not the VAPID public key the nodes publish';
    const [head, claims, signature] = jwt.split('.');
    const point = Buffer.from(key, 'base64url');
    const publicKey = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk',
    });
    const valid = verify('sha256', Buffer.from(`${head}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
    if (!valid) return 'the VAPID JWT signature does not verify';
    const { aud, exp } = JSON.parse(Buffer.from(claims, 'base64url'));
    // RFC 8292 says the audience is the push resource's origin, port included; Lib.Net.Http.WebPush
    // leaves the port out. Real push services listen on 443, where the two agree, so the stand-in
    // (on a random port) takes either, and nothing else.
    const { protocol, hostname } = new URL(this.origin);
    if (aud !== this.origin && aud !== `${protocol}//${hostname}`) return `the VAPID audience is ${aud}, not ${this.origin}`;
    if (!(exp * 1000 > Date.now())) return 'the VAPID JWT has expired';
    return null;
  }
}

/** RFC 8291 §3.4 / RFC 8188: salt(16) rs(4) idlen(1) keyid(=sender's public key) ciphertext. */
function decrypt(body, { ecdh, auth }) {
  const salt = body.subarray(0, 16);
  const idLength = body[20];
  const senderKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const secret = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(-16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 followed by optional zero padding.
  const end = padded.lastIndexOf(2);
  if (end < 0 || padded.subarray(end + 1).some(byte => byte !== 0)) throw new Error('no padding delimiter');
  return padded.subarray(0, end).toString('utf8');
}
