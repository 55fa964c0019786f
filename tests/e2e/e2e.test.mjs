// The reference web client in a real browser: a man and a woman of the same school, each in
// their own Chromium context on a different node of the cluster, sign up, verify their school
// e-mail, find each other nearby, open a room and chat in real time; then share phone numbers
// and leave. Run by scripts/test-e2e.sh, which starts the two nodes (E2E_NODE_A, E2E_NODE_B).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openRoom, randomPhone, verifiedMember } from './api.mjs';
import { Person } from './person.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
const readmeScreenshot = join(here, '..', '..', 'docs', 'screenshots', 'conversation.png');
const clusterScript = join(here, '..', '..', 'scripts', 'cluster.sh');
const nodeA = process.env.E2E_NODE_A ?? 'http://127.0.0.1:5501';
const nodeB = process.env.E2E_NODE_B ?? 'http://127.0.0.1:5502';

// Gachon University's campus; she stands about 120 m north-east of him.
const CAMPUS = { latitude: 37.448213, longitude: 127.12785 };
const NEARBY = { latitude: 37.449001, longitude: 127.128741 };
const profile = {
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

const contextOptions = { viewport: { width: 1280, height: 800 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' };
let browser;

before(async () => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch(launchOptions);
});

after(() => browser?.close());

/** `scripts/cluster.sh restart I`, with the environment test-e2e.sh gave the cluster. */
function restartNode(index) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [clusterScript, 'restart', String(index)], { stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error('node restart took over 90 s')); }, 90_000);
    child.on('error', reject);
    child.on('exit', code => {
      clearTimeout(timer);
      if (code === 0) resolve(); else reject(new Error(`cluster.sh restart ${index} exited with ${code}`));
    });
  });
}

/** A person in a browser context of their own (contexts share nothing: cookies, storage, ...). */
async function person(name, gender, options = {}) {
  const context = await browser.newContext({ ...contextOptions, ...options });
  return new Person(await context.newPage(), name, {
    phone: randomPhone(), gender, email: `${name}.${Date.now()}@gachon.ac.kr`, artifacts,
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

test('two students meet nearby and chat in real time across two nodes', async t => {
  const man = await person('man', 'male', { geolocation: CAMPUS, permissions: ['geolocation'] });
  const woman = await person('woman', 'female');
  const step = stepper(t, [man, woman]);

  await step('each opens the page on a different node', async () => {
    await Promise.all([man.open(nodeA), woman.open(nodeB)]);
  });

  await step('both sign up with the SMS code from the dev outbox', async () => {
    await Promise.all([
      man.signUp({ ...profile, department: '컴퓨터공학과', mbti: 'ENFP', character: '활발함' }),
      woman.signUp({ ...profile, department: '시각디자인학과', mbti: 'INFJ', character: '차분함' }),
    ]);
    assert.notEqual(man.memberId, woman.memberId);
    await Promise.all([man.screenshot('01-signed-up'), woman.screenshot('01-signed-up')]);
  });

  await step('both verify their school e-mail with the code from the dev outbox', async () => {
    await Promise.all([man.verifySchoolEmail(), woman.verifySchoolEmail()]);
  });

  await step('he shares his browser location, she types hers', async () => {
    await man.useBrowserLocation();
    await woman.typeLocation(NEARBY.latitude, NEARBY.longitude);
  });

  await step('each finds the other among the people nearby', async () => {
    await Promise.all([man.findMatch(woman), woman.findMatch(man)]);
    const distance = await man.match(woman).locator('.distance').textContent();
    assert.match(distance, /^\d+ m$/);
    assert.ok(Number.parseInt(distance, 10) > 50 && Number.parseInt(distance, 10) < 200, `distance ${distance}`);
    await Promise.all([man.screenshot('02-matches'), woman.screenshot('02-matches')]);
  });

  await step('he opens a room and it appears live in her list', async () => {
    await man.startChatWith(woman);
    await woman.room(man).waitFor();
  });

  await step('his messages reach her across nodes and count as unread until she opens the room', async () => {
    await man.send('안녕하세요! 혹시 지금 축제 공연 보러 가세요?');
    await woman.waitForUnread(man, 1);
    await man.send('저는 메인 무대 쪽에 있어요 🎸');
    await woman.waitForUnread(man, 2);
    assert.match(await woman.room(man).getByTestId('room-preview').textContent(), /메인 무대/);
    await woman.screenshot('03-unread');

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
    // Let the "new chat" notice fade, for a clean picture.
    await woman.byTestId('toast').waitFor({ state: 'hidden', timeout: 10_000 });
    await Promise.all([man.screenshot('04-conversation'), woman.screenshot('04-conversation')]);
    if (process.env.E2E_UPDATE_SCREENSHOT === '1') {
      mkdirSync(dirname(readmeScreenshot), { recursive: true });
      copyFileSync(join(artifacts, 'woman-04-conversation.png'), readmeScreenshot);
    }
  });

  await step('her node restarts; what he sent meanwhile reaches her after the reconnect', async () => {
    // The same node comes back (the page's origin); SyncRoom after the reconnect closes the gap.
    const restart = restartNode(2);
    restart.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    await woman.page.locator('[data-testid=connection-state]:not([data-state=connected])').waitFor();
    await man.send('공연 시작했어요!');
    await man.send('어디쯤이에요?');
    await restart;
    await woman.waitUntilConnected(60_000);
    await woman.message('어디쯤이에요?').waitFor();
    assert.deepEqual(await woman.messageTexts(), await man.messageTexts());
    await woman.waitForUnread(man, 0);
  });

  await step('a reload keeps her session and brings the conversation back', async () => {
    const before = await woman.messageTexts();
    await woman.page.reload();
    await woman.waitUntilConnected();
    await woman.openRoomWith(man);
    await woman.message(before.at(-1)).waitFor();
    assert.deepEqual(await woman.messageTexts(), before);
  });

  await step('after ten exchanges both consent and each sees the other\'s phone', async () => {
    for (let round = 1; round <= 5; round++) {
      await man.send(`질문 ${round}: 좋아하는 노래는?`);
      await woman.message(`질문 ${round}: 좋아하는 노래는?`).waitFor();
      await woman.send(`대답 ${round}: 밴드 음악이요`);
      await man.message(`대답 ${round}: 밴드 음악이요`).waitFor();
    }
    await man.byTestId('share-phone').click();
    await man.page.getByTestId('share-phone').filter({ hasText: 'Waiting' }).waitFor();
    await woman.byTestId('share-phone').click();
    // Shown as 010-1234-5678, the way the test typed them at sign-up.
    await woman.byTestId('phone').filter({ hasText: man.phone }).waitFor();
    // He learns of her consent live (PhoneShared), on the other node.
    await man.byTestId('phone').filter({ hasText: woman.phone }).waitFor();
    await Promise.all([man.screenshot('05-phone-shared'), woman.screenshot('05-phone-shared')]);
  });

  await step('an expiring access token is refreshed and the page keeps working', async () => {
    // The e2e cluster issues one-minute access tokens; the page renews them 15 s before expiry.
    const wait = man.signedUpAt + 50_000 - Date.now();
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    await man.byTestId('matches-form').getByRole('button', { name: 'Find' }).click();
    // She shares a room with him now, so matching leaves her out: nobody else is nearby.
    await man.byTestId('matches').getByText('Nobody nearby right now.').waitFor();
    assert.notEqual(await man.accessToken(), man.firstAccessToken);
    await man.send('토큰이 바뀌어도 잘 되네요');
    await woman.message('토큰이 바뀌어도 잘 되네요').waitFor();
  });

  await step('he leaves; the room disappears for him and ends for her', async () => {
    man.page.once('dialog', dialog => dialog.accept());
    await man.byTestId('leave-room').click();
    await man.room(woman).waitFor({ state: 'detached' });
    await woman.page.locator('[data-testid=message]', { hasText: `${man.nickname} left` }).waitFor();
    await woman.page.locator('#composer input[name=text]:disabled').waitFor();
    await Promise.all([man.screenshot('06-left'), woman.screenshot('06-left')]);
  });

  await step('no script error happened on either page', async () => {
    assert.deepEqual([...man.pageErrors, ...woman.pageErrors].map(String), []);
  });
});

test('a member whose rooms are full gets a request live, and accepting it opens the room', async t => {
  const suitor = await person('suitor', 'male');
  const host = await person('host', 'female');
  const step = stepper(t, [suitor, host]);
  const HERE = { latitude: 37.45071, longitude: 127.12962 };
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
    for (const filler of fillers) await host.room(filler).waitFor();
  });

  await step('he finds her, but she is full: his chat becomes a request that reaches her live', async () => {
    await suitor.open(nodeA);
    await suitor.signUp({ ...profile, department: '전자공학과', mbti: 'ENTP', character: '유쾌함' });
    await suitor.verifySchoolEmail();
    await suitor.typeLocation(HERE.latitude + 0.0005, HERE.longitude);
    await suitor.findMatch(host);
    await suitor.match(host).getByRole('button', { name: 'Chat' }).click();
    await suitor.match(host).getByRole('button', { name: 'Requested' }).waitFor();
    await host.page.locator('[data-testid=request]', { hasText: suitor.nickname }).waitFor();
    await host.screenshot('request-received');
  });

  await step('she leaves one room to make space and accepts; the room opens on both sides', async () => {
    await host.openRoomWith(fillers[0]);
    host.page.once('dialog', dialog => dialog.accept());
    await host.byTestId('leave-room').click();
    await host.room(fillers[0]).waitFor({ state: 'detached' });
    await host.page.locator('[data-testid=request]', { hasText: suitor.nickname }).getByRole('button', { name: 'Accept' }).click();
    await host.byTestId('conversation-title').filter({ hasText: suitor.nickname }).waitFor();
    await host.page.locator('[data-testid=request]').waitFor({ state: 'detached' });
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
