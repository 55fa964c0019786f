// Safety in the reference client (contract v2): report and block from a conversation and from a
// profile sheet, the list of blocked people with unblock, and the operator page that reviews
// reports, shown only to an operator (test-e2e.sh lists E2E_OPERATOR_PHONE in
// Moderation:OperatorPhones on both nodes); and Web Push from the page's subscription to the
// notification its service worker shows, through the nodes, the push worker and a stand-in for the
// browser's push service (push-service.mjs). Runs at the size E2E_VIEWPORT names, like e2e.test.mjs.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PASSWORD, call, logIn, openRoom, verifiedMember } from './api.mjs';
import { PushServiceStandIn } from './push-service.mjs';
import { Person } from './person.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const viewportName = process.env.E2E_VIEWPORT === 'desktop' ? 'desktop' : 'phone';
const artifacts = join(here, 'artifacts', viewportName);
const nodeA = process.env.E2E_NODE_A ?? 'http://127.0.0.1:5501';
const nodeB = process.env.E2E_NODE_B ?? 'http://127.0.0.1:5502';
const operatorPhone = process.env.E2E_OPERATOR_PHONE ?? '010-9999-0001';
const contextOptions = viewportName === 'phone'
  ? { viewport: { width: 390, height: 844 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul', isMobile: true, hasTouch: true, deviceScaleFactor: 1 }
  : { viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'Asia/Seoul' };
const HERE = { latitude: 37.4531, longitude: 127.1301 };
// The nodes' VAPID public key (test-e2e.sh makes a key pair per run).
const vapidKey = process.env.E2E_VAPID_PUBLIC_KEY;
let browser;
let pushService;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  pushService = await new PushServiceStandIn({ vapidPublicKey: vapidKey }).start();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await pushService?.stop();
});

async function person(name, member, options = {}) {
  const context = await browser.newContext({ ...contextOptions, ...options });
  const someone = new Person(await context.newPage(), name, {
    phone: member.phone, gender: member.gender, email: null, artifacts, viewport: contextOptions.viewport,
  });
  Object.assign(someone, { memberId: member.memberId, nickname: member.nickname });
  return someone;
}

function stepper(t, people) {
  let failed = false;
  return (name, body) => t.test(name, { skip: failed && 'an earlier step failed' }, async () => {
    try {
      await body();
    } catch (error) {
      failed = true;
      await Promise.allSettled(people.map(p => p.screenshot(`failed-${name.replace(/\W+/g, '-')}`)));
      throw error;
    }
  });
}

test('a student reports from the conversation, blocks from a profile, unblocks, and an operator bans', async t => {
  // The suspect and his three neighbours are far away from her, so none shows up in her matches.
  const BUSAN = { latitude: 35.1796, longitude: 129.0756 };
  const [her, harasser, stranger, suspect, ...neighbours] = await Promise.all([
    verifiedMember(nodeA, { gender: 'female', department: '심리학과', location: HERE }),
    verifiedMember(nodeA, { gender: 'male', department: '체육학과', location: HERE }),
    verifiedMember(nodeB, { gender: 'male', department: '철학과', location: { ...HERE, latitude: HERE.latitude + 0.002 } }),
    verifiedMember(nodeB, { gender: 'male', department: '경영학과', location: BUSAN }),
    ...['국문학과', '사학과', '영문학과'].map(department => verifiedMember(nodeB, { gender: 'female', department, location: BUSAN })),
  ]);
  her.gender = 'female';
  const THREAT = '번호 안 주면 축제 끝나고 찾아간다.';
  const victim = await person('victim', her);
  const people = [victim];
  const step = stepper(t, people);

  await step('he opens a room with her and writes; she reads it on the other node', async () => {
    assert.equal((await openRoom(nodeA, harasser, her.memberId)).status, 201);
    const him = await person('harasser', { ...harasser, gender: 'male' });
    people.push(him);
    await Promise.all([
      (async () => { await him.open(nodeA); await him.logIn(PASSWORD); })(),
      (async () => { await victim.open(nodeB); await victim.logIn(PASSWORD); })(),
    ]);
    await him.openRoomWith(victim);
    await him.send(THREAT);
    await victim.openRoomWith(harasser);
    await victim.message(THREAT).waitFor();
    assert.equal(await victim.byTestId('open-admin').isHidden(), true, 'no operator page for a student');
  });

  await step('she reports him from the conversation with a reason and details', async () => {
    await victim.roomAction('menu-report');
    const dialog = victim.byTestId('report-dialog');
    await dialog.waitFor();
    await victim.byTestId('report-submit').click();
    await dialog.locator('.form-error').filter({ hasText: viewportName === 'phone' ? '이유를' : 'reason' }).waitFor();
    await dialog.locator('select[name=reason]').selectOption('harassment');
    assert.equal(await dialog.locator('.form-error').textContent(), '', 'the problem goes once it is fixed');
    await dialog.locator('textarea[name=details]').fill('계속 불쾌한 말을 해요.');
    await victim.check('report');
    await victim.byTestId('report-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    // A report also blocks: the room closes and leaves her list.
    await victim.closeConversation();
    await victim.tab('chats');
    await victim.room(harasser).waitFor({ state: 'detached' });
  });

  await step('she blocks a stranger from his profile sheet in the nearby list', async () => {
    await victim.findMatch(stranger);
    await victim.match(stranger).getByTestId('match-name').click();
    await victim.byTestId('profile-sheet').waitFor();
    await victim.check('profile-sheet');
    victim.page.once('dialog', dialog => dialog.accept());
    await victim.byTestId('profile-block').click();
    await victim.byTestId('profile-sheet').waitFor({ state: 'hidden' });
    await victim.match(stranger).waitFor({ state: 'detached' });
  });

  await step('her blocks list shows both; she unblocks the stranger', async () => {
    await victim.tab('me');
    const blocks = victim.byTestId('blocks');
    await blocks.locator(`[data-testid=block][data-member-id="${stranger.memberId}"]`).waitFor();
    await blocks.locator(`[data-testid=block][data-member-id="${harasser.memberId}"]`).waitFor();
    await victim.check('blocks');
    await blocks.locator(`[data-testid=block][data-member-id="${stranger.memberId}"]`).getByTestId('unblock').click();
    await blocks.locator(`[data-testid=block][data-member-id="${stranger.memberId}"]`).waitFor({ state: 'detached' });
  });

  await step('the operator sees the reports with their details and evidence, reinstates a suspended member and bans the other', async () => {
    // Meanwhile, elsewhere: three women he wrote to report him through the API, each from the
    // room they share; at three verified reporters he is suspended and cannot log in.
    for (const neighbour of neighbours) {
      const { body: { room } } = await openRoom(nodeB, suspect, neighbour.memberId);
      await call(nodeB, 'POST', '/api/reports', { memberId: suspect.memberId, reason: 'spam', details: '광고 링크를 보냈어요.', roomId: room.roomId }, neighbour.token);
    }
    await assert.rejects(logIn(nodeB, suspect.phone), /403/);
    // The operator signs up once per e2e run: the first size's test does it, the second logs in.
    const signedUp = await logIn(nodeA, operatorPhone).then(() => true, () => false);
    if (!signedUp) await verifiedMember(nodeA, { gender: 'female', department: '운영팀', location: HERE, phone: operatorPhone });
    const reviewer = await person('operator', { phone: operatorPhone, gender: 'female', memberId: 0, nickname: '' });
    people.push(reviewer);
    await reviewer.open(nodeA);
    await reviewer.logIn(PASSWORD);
    await reviewer.tab('me');
    await reviewer.byTestId('open-admin').click();
    const item = id => reviewer.page.locator(`[data-testid=admin-item][data-member-id="${id}"]`);
    await item(harasser.memberId).waitFor();
    await reviewer.page.locator(`[data-testid=admin-item][data-member-id="${suspect.memberId}"][data-status=suspended]`).waitFor();
    assert.match(await item(harasser.memberId).textContent(), /계속 불쾌한 말을 해요/);
    assert.match(await item(suspect.memberId).textContent(), /광고 링크를 보냈어요/);
    // The evidence: the room's messages, kept with the report.
    await item(harasser.memberId).getByTestId('admin-evidence').locator('summary').click();
    await item(harasser.memberId).getByTestId('admin-evidence').getByText(THREAT).waitFor();
    await reviewer.check('admin');

    await item(suspect.memberId).getByTestId('admin-reinstate').click();
    await item(suspect.memberId).waitFor({ state: 'detached' });
    await item(harasser.memberId).locator('input[name=reason]').fill('괴롭힘 신고 확인');
    await item(harasser.memberId).getByTestId('admin-ban').click();
    await item(harasser.memberId).waitFor({ state: 'detached' });
    await assert.rejects(logIn(nodeA, harasser.phone), /40[13]/);
    assert.ok((await logIn(nodeA, suspect.phone)).accessToken, 'a reinstated member logs in again');

    // Both are in the resolved queue now, with what became of them.
    await reviewer.byTestId('admin-resolved').click();
    await reviewer.page.locator(`[data-testid=admin-item][data-member-id="${harasser.memberId}"][data-status=banned]`).waitFor();
    await reviewer.page.locator(`[data-testid=admin-item][data-member-id="${suspect.memberId}"][data-status=active]`).waitFor();
    await reviewer.check('admin-resolved');
    assert.deepEqual(people.flatMap(p => p.pageErrors).map(String), []);
  });
});

test('the page subscribes to Web Push, the worker pushes through the push service, the service worker shows it', async () => {
  const [member, opener] = await Promise.all([
    verifiedMember(nodeA, { gender: 'male', department: '음악학과', location: HERE }),
    verifiedMember(nodeB, { gender: 'female', department: '미술학과', location: HERE }),
  ]);
  const student = await person('subscriber', { ...member, gender: 'male' }, { permissions: ['notifications'] });
  const subscription = pushService.newSubscription(`${viewportName}-${member.memberId}`);
  // Chromium's push service is Google's, out of reach from this machine: subscribe() answers
  // the way the Push API does, with an endpoint at the stand-in and keys whose private half the
  // stand-in holds, so the page's own code runs and the worker's request can be checked and read.
  // It refuses options the real one refuses, and a key other than the nodes' VAPID key.
  await student.page.addInitScript(({ endpoint, p256dh, auth, vapidKey }) => {
    const subscription = {
      endpoint,
      toJSON() { return { endpoint, expirationTime: null, keys: { p256dh, auth } }; },
    };
    let subscribed = false;
    const base64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    PushManager.prototype.subscribe = async function subscribe(options) {
      if (!options?.userVisibleOnly) throw new DOMException('userVisibleOnly is required', 'NotAllowedError');
      const key = options.applicationServerKey;
      if (!key || base64url(key.buffer ?? key) !== vapidKey) throw new DOMException('not the VAPID key', 'InvalidAccessError');
      subscribed = true;
      return subscription;
    };
    PushManager.prototype.getSubscription = async () => (subscribed ? subscription : null);
  }, { ...subscription, vapidKey });

  await student.open(nodeA);
  await student.logIn(PASSWORD);
  await student.tab('me');
  const registered = student.page.waitForResponse(response => response.url().endsWith('/api/me/push') && response.request().method() === 'PUT');
  await student.byTestId('push-toggle').click();
  const response = await registered;
  assert.equal(response.status(), 204);
  assert.deepEqual(JSON.parse(response.request().postData()), { kind: 'webpush', ...subscription });
  await student.page.locator('[data-testid=push-state][data-state=pushEnabled]').waitFor();
  await student.check('push-on');
  assert.deepEqual(student.pageErrors.map(String), []);

  // He closes the app: no live connection on any node, so a room opened with him is pushed to
  // the subscription the server now holds, through the worker, to the push service.
  const context = student.page.context();
  await student.page.close();
  await new Promise(resolve => setTimeout(resolve, 1000));
  const { body: { room } } = await openRoom(nodeB, opener, member.memberId);
  const push = await pushService.next(new URL(subscription.endpoint).pathname);
  assert.equal(push.headers.topic, `room-${room.roomId}`);
  assert.equal(push.payload.tag, `room-${room.roomId}`);
  assert.equal(push.payload.roomId, room.roomId);
  assert.match(push.payload.body, new RegExp(opener.nickname.replace(/[#]/g, '\\$&')));

  // The push service hands it to the browser: DevTools' "push" into the service worker, with the
  // very payload the worker sent. The worker shows it; one notification per room (its tag).
  const page = await context.newPage();
  await page.goto(nodeA + '/');
  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise(resolve => cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    const ours = registrations.find(r => r.scopeURL === `${nodeA}/` && !r.isDeleted);
    if (ours) resolve(ours.registrationId);
  }));
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: nodeA, registrationId: await registrationId, data: JSON.stringify(push.payload) });
  // Polled inside the page: waitForFunction takes an async predicate's promise itself as truthy
  // and would answer at once, before the worker has shown anything.
  const notifications = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise(resolve => setTimeout(resolve, 200))) {
      const shown = await registration.getNotifications();
      if (shown.length)
        return shown.map(({ title, body, tag, data }) => ({ title, body, tag, data }));
    }
    return null;
  });
  assert.deepEqual(notifications, [{
    title: push.payload.title, body: push.payload.body, tag: `room-${room.roomId}`, data: { url: `/?room=${room.roomId}` },
  }]);
  await context.close();
});
