// The reference web client in a real browser, at the size given by E2E_VIEWPORT: `phone`
// (390×844, ko-KR, touch) or `desktop` (1280×800, en-US). A man and a woman of the same school,
// each in their own Chromium context on a different node of the cluster, sign up, verify their
// school e-mail, find each other nearby, open a room and chat in real time; then share phone
// numbers and leave. Every screen is checked (screens.mjs): no sideways overflow, no serious axe
// violation. Run by scripts/test-e2e.sh, which starts the two nodes (E2E_NODE_A, E2E_NODE_B).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openRoom, randomPhone, verifiedMember } from './api.mjs';
import { Person } from './person.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const viewportName = process.env.E2E_VIEWPORT === 'desktop' ? 'desktop' : 'phone';
const artifacts = join(here, 'artifacts', viewportName);
const clusterScript = join(here, '..', '..', 'scripts', 'cluster.sh');
export const nodeA = process.env.E2E_NODE_A ?? 'http://127.0.0.1:5501';
export const nodeB = process.env.E2E_NODE_B ?? 'http://127.0.0.1:5502';

// Gachon University's campus; she stands about 120 m north-east of him. Each size's run stands
// 5 km from the other's, since both share the cluster's database and matching must not mix them.
const SHIFT = viewportName === 'desktop' ? 0.045 : 0;
const CAMPUS = { latitude: 37.448213 + SHIFT, longitude: 127.12785 };
const NEARBY = { latitude: 37.449001 + SHIFT, longitude: 127.128741 };
export const profile = {
  password: 'festival-night-2026',
  schoolQuery: '가천',
  schoolCode: 'GACHON',
  college: 'IT융합대학',
  tags: '축제, 야구',
  hobbies: '사진, 산책',
};

const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  // As root Chromium needs --no-sandbox; the rest keep it off this machine's closed network.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};

export const contextOptions = viewportName === 'phone'
  ? { viewport: { width: 390, height: 844 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul', isMobile: true, hasTouch: true, deviceScaleFactor: 1 }
  : { viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'Asia/Seoul' };
let browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch(launchOptions);
});

after(() => browser?.close());

/** `scripts/cluster.sh <command> I`, with the environment test-e2e.sh gave the cluster. */
export function cluster(command, index) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [clusterScript, command, String(index)], { stdio: ['ignore', 'inherit', 'inherit'] });
    // A node drains for up to 20 s and starts in seconds, but this machine is shared and often loaded.
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`node ${command} took over 240 s`)); }, 240_000);
    child.on('error', reject);
    child.on('exit', code => {
      clearTimeout(timer);
      if (code === 0) resolve(); else reject(new Error(`cluster.sh ${command} ${index} exited with ${code}`));
    });
  });
}

/** A person in a browser context of their own (contexts share nothing: cookies, storage, ...). */
async function person(name, gender, options = {}) {
  const context = await browser.newContext({ ...contextOptions, ...options });
  return new Person(await context.newPage(), name, {
    phone: randomPhone(), gender, email: `${name}.${Date.now()}@gachon.ac.kr`, artifacts, viewport: contextOptions.viewport,
  });
}

/**
 * Runs the steps of one story as subtests; after a failure the rest are skipped, and every
 * page of the story is screenshotted for the artifacts.
 */
function stepper(t, people) {
  let failed = false;
  return (name, body) => t.test(name, { skip: failed && 'an earlier step failed' }, async () => {
    try {
      await body();
    } catch (error) {
      failed = true;
      const file = `failed-${name.replace(/\W+/g, '-')}`;
      await Promise.allSettled(people.map(p => p.screenshot(file)));
      throw error;
    }
  });
}

test('the first load is small, compressed and cached the right way', async () => {
  const visitor = await person('visitor', 'male');
  await visitor.open(nodeA);
  const size = await visitor.page.evaluate(() => performance.getEntriesByType('resource')
    .filter(entry => /\.(js|css)$/.test(new URL(entry.name).pathname))
    .reduce((sum, entry) => ({ encoded: sum.encoded + entry.encodedBodySize, decoded: sum.decoded + entry.decodedBodySize, files: sum.files + 1 }),
      { encoded: 0, decoded: 0, files: 0 }));
  writeFileSync(join(artifacts, 'first-load.json'), JSON.stringify(size));
  console.log(`first load: ${size.files} JS/CSS files, ${size.encoded} bytes compressed (${size.decoded} bytes uncompressed)`);
  assert.ok(size.files >= 10, `only ${size.files} JS/CSS files measured`);
  assert.ok(size.encoded <= 100 * 1024, `first load is ${size.encoded} bytes of JS and CSS compressed`);
  assert.ok(size.encoded < size.decoded / 2, 'the JS and CSS arrive compressed');

  const request = visitor.page.request;
  const page = await request.get(`${nodeA}/`, { headers: { 'Accept-Encoding': 'br' } });
  assert.equal(page.headers()['cache-control'], 'no-cache');
  assert.equal(page.headers()['content-encoding'], 'br');
  const html = await page.text();
  const css = /href="(\/css\/app\.css\?v=[0-9a-f]+)"/.exec(html)?.[1];
  assert.ok(css, 'index.html names the stylesheet with its version');
  const asset = await request.get(nodeA + css, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(asset.headers()['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(asset.headers()['content-encoding'], 'gzip');
  const worker = await request.get(`${nodeA}/sw.js`);
  assert.equal(worker.headers()['cache-control'], 'no-cache');
  await visitor.page.context().close();
});

test('forms check what is typed before sending and put the server\'s refusal in words', async () => {
  const visitor = await person('visitor', 'female');
  await visitor.open(nodeA);
  await visitor.check('login');
  await visitor.byTestId('sms-form').locator('input[name=phone]').fill('12345');
  await visitor.byTestId('sms-submit').click();
  const smsError = visitor.byTestId('sms-form').locator('.form-error');
  await smsError.filter({ hasText: '010-1234-5678' }).waitFor();
  assert.equal(await visitor.byTestId('sms-form').locator('input[name=phone]').getAttribute('aria-invalid'), 'true');

  const login = visitor.byTestId('login-form');
  await login.locator('input[name=phone]').fill(randomPhone());
  await login.locator('input[name=password]').fill('wrong-password-1');
  await visitor.byTestId('login-submit').click();
  const refusal = viewportName === 'phone' ? '휴대폰 번호나 비밀번호가 맞지 않아요.' : 'Wrong number or password.';
  await login.locator('.form-error').filter({ hasText: refusal }).waitFor();
  assert.doesNotMatch(await login.locator('.form-error').textContent(), /\[|_/);
  await visitor.check('login-refused');
  assert.deepEqual(visitor.pageErrors.map(String), []);
  await visitor.page.context().close();
});

test('two students meet nearby and chat in real time across two nodes', async t => {
  const man = await person('man', 'male', { geolocation: CAMPUS, permissions: ['geolocation'] });
  const woman = await person('woman', 'female');
  const step = stepper(t, [man, woman]);

  await step('each opens the page on a different node; hers is the festival link of her school', async () => {
    await Promise.all([man.open(nodeA), woman.open(nodeB, '/?school=GACHON')]);
    await woman.byTestId('festival-note').filter({ hasText: '가천대학교' }).waitFor();
  });

  await step('both sign up with the SMS code from the dev outbox', async () => {
    await Promise.all([
      man.signUp({ ...profile, department: '컴퓨터공학과', mbti: 'ENFP', character: '활발함' }),
      woman.signUp({ ...profile, department: '시각디자인학과', mbti: 'INFJ', character: '차분함' }, { check: true }),
    ]);
    assert.notEqual(man.memberId, woman.memberId);
    await woman.check('nearby-empty');
  });

  await step('both verify their school e-mail with the code from the dev outbox', async () => {
    await Promise.all([man.verifySchoolEmail(), woman.verifySchoolEmail()]);
    await woman.check('me');
  });

  await step('he shares his device location, she types hers in the development panel', async () => {
    await man.shareLocation();
    await woman.typeLocation(NEARBY.latitude, NEARBY.longitude);
  });

  await step('each finds the other among the people nearby, at a coarse distance', async () => {
    await Promise.all([man.findMatch(woman), woman.findMatch(man)]);
    const meters = Number(await man.match(woman).getByTestId('distance').getAttribute('data-meters'));
    assert.ok(meters >= 100 && meters <= 200, `distance ${meters} m`);
    await man.check('nearby');
  });

  await step('he opens a room and it appears live in her list', async () => {
    await man.startChatWith(woman);
    await woman.room(man).waitFor({ state: 'attached' });
  });

  await step('his messages reach her across nodes and count as unread until she opens the room', async () => {
    await man.send('안녕하세요! 혹시 지금 축제 공연 보러 가세요?');
    await woman.waitForUnread(man, 1);
    await man.send('저는 메인 무대 쪽에 있어요 🎸');
    await woman.waitForUnread(man, 2);
    await woman.tab('chats');
    assert.match(await woman.room(man).getByTestId('room-preview').textContent(), /메인 무대/);
    assert.equal(await woman.byTestId('badge-chats').textContent(), '2');
    await woman.check('chats');

    await woman.openRoomWith(man);
    await woman.message('저는 메인 무대 쪽에 있어요 🎸').waitFor();
    await woman.waitForUnread(man, 0);
  });

  await step('they talk both ways in real time', async () => {
    await woman.send('네! 저도 곧 가요. 무대 앞 푸드트럭 근처예요');
    await man.message('네! 저도 곧 가요. 무대 앞 푸드트럭 근처예요').waitFor();
    await man.send('좋아요, 파란 모자 쓰고 있을게요 🙂');
    await woman.message('좋아요, 파란 모자 쓰고 있을게요 🙂').waitFor();
    await woman.send('찾았어요 ㅎㅎ 손 흔들게요 👋');
    await man.message('찾았어요 ㅎㅎ 손 흔들게요 👋').waitFor();
    // Both have the room open and visible: nothing stays unread on either side.
    await Promise.all([man.waitForUnread(woman, 0), woman.waitForUnread(man, 0)]);
    assert.deepEqual(await man.messageTexts(), await woman.messageTexts());
    await woman.byTestId('toast').waitFor({ state: 'hidden', timeout: 10_000 });
    await woman.check('conversation');
  });

  await step('her node restarts: a banner shows, and what he sent meanwhile reaches her after the reconnect', async () => {
    // The same node comes back (the page's origin); SyncRoom after the reconnect closes the gap.
    const restart = cluster('restart', 2);
    restart.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    try {
      await woman.page.locator('[data-testid=connection-state]:not([data-state=connected])').waitFor({ state: 'attached', timeout: 60_000 });
      await woman.byTestId('banner').waitFor();
      await man.send('공연 시작했어요!');
      await man.send('어디쯤이에요?');
    } finally {
      // The node is back before anything else runs, whatever happened above.
      await restart;
    }
    await woman.waitUntilConnected(60_000);
    await woman.byTestId('banner').waitFor({ state: 'hidden' });
    await woman.message('어디쯤이에요?').waitFor();
    assert.deepEqual(await woman.messageTexts(), await man.messageTexts());
    await woman.waitForUnread(man, 0);
  });

  await step('a reload keeps her session; the back gesture closes the conversation', async () => {
    const before = await woman.messageTexts();
    await woman.page.reload();
    await woman.waitUntilConnected();
    await woman.openRoomWith(man);
    await woman.message(before.at(-1)).waitFor();
    assert.deepEqual(await woman.messageTexts(), before);
    if (woman.isPhone) {
      await woman.page.goBack();
      await woman.page.locator('#app-view.in-room').waitFor({ state: 'detached' });
      await woman.room(man).waitFor();
      await woman.openRoomWith(man);
    }
  });

  await step('after ten exchanges both consent and each sees the other\'s phone', async () => {
    for (let round = 1; round <= 5; round++) {
      await man.send(`질문 ${round}: 좋아하는 노래는?`);
      await woman.message(`질문 ${round}: 좋아하는 노래는?`).waitFor();
      await woman.send(`대답 ${round}: 밴드 음악이요`);
      await man.message(`대답 ${round}: 밴드 음악이요`).waitFor();
    }
    await man.byTestId('conversation-menu').click();
    await man.check('room-menu');
    await man.byTestId('share-phone').click();
    await man.page.locator('[data-testid=share-phone][data-state=waiting]').waitFor({ state: 'attached' });
    await woman.roomAction('share-phone');
    // Shown as 010-1234-5678, the way the test typed them at sign-up.
    await woman.byTestId('phone').filter({ hasText: man.phone }).waitFor();
    // He learns of her consent live (PhoneShared), on the other node.
    await man.byTestId('phone').filter({ hasText: woman.phone }).waitFor();
    await man.byTestId('toast').waitFor({ state: 'hidden', timeout: 10_000 });
    await man.check('phone-shared');
  });

  await step('an expiring access token is refreshed and the page keeps working', async () => {
    // The e2e cluster issues one-minute access tokens; the page renews them 15 s before expiry.
    const wait = man.signedUpAt + 50_000 - Date.now();
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    await man.tab('nearby');
    await man.byTestId('find').click();
    // She shares a room with him now, so matching leaves her out: nobody else is nearby.
    await man.byTestId('matches-empty').waitFor();
    assert.notEqual(await man.accessToken(), man.firstAccessToken);
    await man.openRoomWith(woman);
    await man.send('토큰이 바뀌어도 잘 되네요');
    await woman.message('토큰이 바뀌어도 잘 되네요').waitFor();
  });

  await step('he leaves; the room disappears for him and ends for her', async () => {
    man.page.once('dialog', dialog => dialog.accept());
    await man.roomAction('leave-room');
    await man.room(woman).waitFor({ state: 'detached' });
    await woman.page.locator('[data-testid=message]', { hasText: `${man.nickname}` }).last().waitFor();
    await woman.page.locator('#composer input[name=text]:disabled').waitFor();
    await woman.check('chat-ended');
  });

  await step('no script error happened on either page', async () => {
    assert.deepEqual([...man.pageErrors, ...woman.pageErrors].map(String), []);
  });
});

test('a member whose rooms are full gets a request live, and accepting it opens the room', async t => {
  const suitor = await person('suitor', 'male');
  const host = await person('host', 'female');
  const step = stepper(t, [suitor, host]);
  const HERE = { latitude: 37.45071 + SHIFT, longitude: 127.12962 };
  let fillers = [];

  await step('she signs up on one node and three others fill her rooms through the API', async () => {
    await host.open(nodeB);
    await host.signUp({ ...profile, department: '경영학과', mbti: 'ESFJ', character: '다정함' });
    await host.verifySchoolEmail();
    await host.typeLocation(HERE.latitude, HERE.longitude);
    fillers = await Promise.all(['기계공학과', '물리학과', '화학과'].map(department =>
      verifiedMember(nodeA, { gender: 'male', department, location: HERE })));
    for (const filler of fillers) {
      const { status } = await openRoom(nodeA, filler, host.memberId);
      assert.equal(status, 201);
    }
    // Her room list follows live (RoomUpdated), through the other node.
    await host.tab('chats');
    for (const filler of fillers) await host.room(filler).waitFor();
  });

  await step('he finds her, but she is full: his chat becomes a request that reaches her live', async () => {
    await suitor.open(nodeA);
    await suitor.signUp({ ...profile, department: '전자공학과', mbti: 'ENTP', character: '유쾌함' });
    await suitor.verifySchoolEmail();
    await suitor.typeLocation(HERE.latitude + 0.0005, HERE.longitude);
    await suitor.findMatch(host);
    await suitor.match(host).getByTestId('match-chat').click();
    await suitor.match(host).getByTestId('match-requested').waitFor();
    await host.byTestId('badge-requests').filter({ hasText: '1' }).waitFor();
    await host.tab('requests');
    await host.page.locator('[data-testid=request]', { hasText: suitor.nickname }).waitFor();
    await host.byTestId('toast').waitFor({ state: 'hidden', timeout: 10_000 });
    await host.check('requests');
  });

  await step('she leaves one room to make space and accepts; the room opens on both sides', async () => {
    await host.openRoomWith(fillers[0]);
    host.page.once('dialog', dialog => dialog.accept());
    await host.roomAction('leave-room');
    await host.room(fillers[0]).waitFor({ state: 'detached' });
    await host.tab('requests');
    await host.page.locator('[data-testid=request]', { hasText: suitor.nickname }).getByTestId('request-accept').click();
    await host.byTestId('conversation-title').filter({ hasText: suitor.nickname }).waitFor();
    await host.page.locator('[data-testid=request]').waitFor({ state: 'detached' });
    await suitor.tab('chats');
    await suitor.room(host).waitFor();
  });

  await step('they chat in the new room', async () => {
    await suitor.openRoomWith(host);
    await suitor.send('요청 받아줘서 고마워요!');
    await host.message('요청 받아줘서 고마워요!').waitFor();
    await host.send('반가워요 😊');
    await suitor.message('반가워요 😊').waitFor();
  });

  await step('no script error happened on either page', async () => {
    assert.deepEqual([...suitor.pageErrors, ...host.pageErrors].map(String), []);
  });
});

test('installable: a valid manifest, an active service worker, and an offline shell with the server stopped', async t => {
  const visitor = await person('offline', 'female');
  const step = stepper(t, [visitor]);
  const { page } = visitor;

  await step('the manifest names the app, starts at / standalone, and its icons exist at their sizes', async () => {
    await visitor.open(nodeB);
    const href = await page.locator('link[rel=manifest]').getAttribute('href');
    const manifest = await (await page.request.get(new URL(href, nodeB).href)).json();
    assert.equal(manifest.short_name, 'Distance');
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.display, 'standalone');
    for (const size of [192, 512]) {
      const icon = manifest.icons.find(item => item.sizes === `${size}x${size}` && item.type === 'image/png');
      assert.ok(icon, `a ${size} px PNG icon`);
      const png = await (await page.request.get(new URL(icon.src, nodeB).href)).body();
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [size, size], `${icon.src} is ${size}×${size}`);
    }
    assert.ok(manifest.icons.some(item => item.purpose === 'maskable'), 'a maskable icon');
  });

  await step('the service worker activates at scope / and keeps the shell', async () => {
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      // ready resolves once a worker is active, which may still be 'activating': wait for its end.
      const worker = registration.active;
      if (worker.state !== 'activated')
        await new Promise(resolve => worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); }));
      const keys = await caches.keys();
      const cache = await caches.open(keys[0]);
      return { scope: registration.scope, state: registration.active?.state, kept: (await cache.keys()).length };
    });
    assert.equal(state.scope, `${nodeB}/`);
    assert.equal(state.state, 'activated');
    assert.ok(state.kept >= 15, `${state.kept} files kept for offline use`);
  });

  await step('with the server stopped the page still opens and says it is offline', async () => {
    await cluster('stop', 2);
    try {
      await page.reload();
      await visitor.byTestId('offline-view').waitFor();
      await visitor.check('offline');
    } finally {
      await cluster('restart', 2);
    }
    // The shell asks the server again by itself (every 10 s) and then shows the sign-in.
    await page.locator('#auth-view').waitFor({ timeout: 60_000 });
  });
});
