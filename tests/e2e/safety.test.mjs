// Safety in the reference client (contract v2): report and block from a conversation and from a
// profile sheet, the list of blocked people with unblock, and the operator page that reviews
// reports, shown only to an operator (test-e2e.sh lists E2E_OPERATOR_PHONE in
// Moderation:OperatorPhones on both nodes). Runs at the size E2E_VIEWPORT names, like e2e.test.mjs.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PASSWORD, logIn, openRoom, verifiedMember } from './api.mjs';
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
let browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(() => browser?.close());

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
  const [her, harasser, stranger] = await Promise.all([
    verifiedMember(nodeA, { gender: 'female', department: '심리학과', location: HERE }),
    verifiedMember(nodeA, { gender: 'male', department: '체육학과', location: HERE }),
    verifiedMember(nodeB, { gender: 'male', department: '철학과', location: { ...HERE, latitude: HERE.latitude + 0.002 } }),
  ]);
  her.gender = 'female';
  const victim = await person('victim', her);
  const step = stepper(t, [victim]);

  await step('he opens a room with her; she sees it and opens it', async () => {
    assert.equal((await openRoom(nodeA, harasser, her.memberId)).status, 201);
    await victim.open(nodeB);
    await victim.logIn(PASSWORD);
    await victim.openRoomWith(harasser);
    assert.equal(await victim.byTestId('open-admin').isHidden(), true, 'no operator page for a student');
  });

  await step('she reports him from the conversation with a reason and details', async () => {
    await victim.roomAction('menu-report');
    const dialog = victim.byTestId('report-dialog');
    await dialog.waitFor();
    await victim.byTestId('report-submit').click();
    await dialog.locator('.form-error').filter({ hasText: viewportName === 'phone' ? '이유를' : 'reason' }).waitFor();
    await dialog.locator('select[name=reason]').selectOption('harassment');
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

  await step('the operator sees the report with its details on the operator page and bans him', async () => {
    let operator;
    try {
      operator = { ...await verifiedMember(nodeA, { gender: 'female', department: '운영팀', location: HERE, phone: operatorPhone }) };
    } catch (error) {
      if (!/phone_taken/.test(error.message)) throw error; // an earlier run at the other size signed up already
      operator = { phone: operatorPhone, memberId: 0, nickname: '' };
    }
    const reviewer = await person('operator', { ...operator, gender: 'female' });
    await reviewer.open(nodeA);
    await reviewer.logIn(PASSWORD);
    await reviewer.tab('me');
    await reviewer.byTestId('open-admin').click();
    const item = reviewer.page.locator(`[data-testid=admin-item][data-member-id="${harasser.memberId}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), /계속 불쾌한 말을 해요/);
    await reviewer.check('admin');
    await item.locator('input[name=reason]').fill('괴롭힘 신고 확인');
    await item.getByTestId('admin-ban').click();
    await reviewer.page.locator(`[data-testid=admin-item][data-member-id="${harasser.memberId}"]`).waitFor({ state: 'detached' });
    await assert.rejects(logIn(nodeA, harasser.phone), /40[13]/);
    assert.deepEqual([...victim.pageErrors, ...reviewer.pageErrors].map(String), []);
  });
});

test('the page subscribes to Web Push and the subscription reaches the server', async () => {
  const member = await verifiedMember(nodeA, { gender: 'male', department: '음악학과', location: HERE });
  // The browser's push service is Google's, out of reach here: the stand-in answers subscribe()
  // the way the Push API does (an endpoint and the two keys), so the page's own code runs.
  const student = await person('subscriber', { ...member, gender: 'male' }, { permissions: ['notifications'] });
  await student.page.addInitScript(() => {
    const subscription = {
      endpoint: 'https://push.example.test/send/e2e-subscription',
      toJSON() {
        return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' } };
      },
    };
    let subscribed = false;
    PushManager.prototype.subscribe = async function subscribe(options) {
      if (!options?.userVisibleOnly || !(options.applicationServerKey?.byteLength === 65)) throw new DOMException('bad options', 'InvalidAccessError');
      subscribed = true;
      return subscription;
    };
    PushManager.prototype.getSubscription = async () => (subscribed ? subscription : null);
  });
  await student.open(nodeA);
  await student.logIn(PASSWORD);
  await student.tab('me');
  const registered = student.page.waitForResponse(response => response.url().endsWith('/api/me/push') && response.request().method() === 'PUT');
  await student.byTestId('push-toggle').click();
  const response = await registered;
  assert.equal(response.status(), 204);
  assert.deepEqual(JSON.parse(response.request().postData()), {
    kind: 'webpush', endpoint: 'https://push.example.test/send/e2e-subscription',
    p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg',
  });
  await student.page.locator('[data-testid=push-state][data-state=pushEnabled]').waitFor();
  assert.deepEqual(student.pageErrors.map(String), []);
});
