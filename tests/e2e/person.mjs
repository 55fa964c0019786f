// One student in one browser context, driving the reference page the way a person does:
// through its tabs, forms and buttons only (the page reads codes from the dev outbox itself).
// Locators use data-testid, so the same steps run in Korean (phone) and English (desktop).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkScreen } from './screens.mjs';

// Generous: the shared test machine runs other builds beside the browser and both nodes.
const STEP_TIMEOUT_MS = 30_000;

export class Person {
  constructor(page, name, { phone, gender, email, artifacts, viewport }) {
    this.page = page;
    this.name = name;
    this.phone = phone;
    this.gender = gender;
    this.email = email;
    this.artifacts = artifacts;
    this.viewport = viewport;
    this.pageErrors = [];
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const log = join(artifacts, `${name}-console.log`);
    page.on('console', message => appendFileSync(log, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', error => {
      this.pageErrors.push(error);
      appendFileSync(log, `[pageerror] ${error.stack ?? error}\n`);
    });
  }

  byTestId(id) { return this.page.getByTestId(id); }

  get isPhone() { return this.viewport.width < 900; }

  async open(baseUrl, path = '/') {
    await this.page.goto(baseUrl + path);
    await this.page.locator('#auth-view').waitFor();
  }

  async screenshot(file) {
    await this.page.screenshot({ path: join(this.artifacts, `${this.name}-${file}.png`) });
  }

  /** No sideways scrolling, no serious accessibility violation; a screenshot for the docs. */
  async check(screen) { await checkScreen(this, screen); }

  async tab(name) {
    await this.closeConversation();
    await this.byTestId(`tab-${name}`).click();
    await this.page.locator(`#app-view[data-tab=${name}]`).waitFor({ state: 'attached' });
  }

  /** On a phone the conversation covers the tabs: the back button (history.back) closes it. */
  async closeConversation() {
    if (this.isPhone && await this.page.locator('#app-view.in-room').count()) {
      await this.byTestId('conversation-back').click();
      await this.page.locator('#app-view.in-room').waitFor({ state: 'detached' });
    }
  }

  /** Phone → SMS code (filled in from the dev outbox by the page) → profile → signed in. */
  async signUp(profile, { check = false } = {}) {
    const sms = this.byTestId('sms-form');
    await sms.locator('input[name=phone]').fill(this.phone);
    await this.byTestId('sms-submit').click();
    const confirm = this.byTestId('sms-confirm-form');
    await waitForValue(confirm.locator('input[name=code]'), /^\d{6}$/);
    await this.byTestId('sms-confirm').click();

    const form = this.byTestId('signup-form');
    await form.waitFor();
    await form.locator('input[name=password]').fill(profile.password);
    await form.locator(`input[name=gender][value=${this.gender}]`).check();
    await form.locator('input[name=schoolQuery]').fill(profile.schoolQuery);
    await form.locator(`select[name=schoolCode] option[value="${profile.schoolCode}"]`).waitFor({ state: 'attached' });
    await form.locator('select[name=schoolCode]').selectOption(profile.schoolCode);
    for (const field of ['college', 'department', 'mbti', 'character', 'tags', 'hobbies']) {
      await form.locator(`input[name=${field}]`).fill(profile[field]);
    }
    if (check) await this.check('signup-profile');
    await this.byTestId('signup-submit').click();
    await this.waitUntilConnected();
    this.nickname = (await this.byTestId('me-nickname').textContent()).trim();
    // The contract's nickname is department + mbti + "#" + memberId.
    this.memberId = Number(this.nickname.split('#').at(-1));
    if (!Number.isSafeInteger(this.memberId)) throw new Error(`no member id in nickname "${this.nickname}"`);
    this.firstAccessToken = await this.accessToken();
    this.signedUpAt = Date.now();
  }

  async logIn(password) {
    const form = this.byTestId('login-form');
    await form.locator('input[name=phone]').fill(this.phone);
    await form.locator('input[name=password]').fill(password);
    await this.byTestId('login-submit').click();
    await this.waitUntilConnected();
  }

  async logOut() {
    await this.tab('me');
    await this.byTestId('logout').click();
    await this.page.locator('#auth-view').waitFor();
  }

  async waitUntilConnected(timeout = STEP_TIMEOUT_MS) {
    await this.page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout, state: 'attached' });
  }

  async verifySchoolEmail() {
    await this.tab('me');
    const form = this.byTestId('email-form');
    await form.locator('input[name=email]').fill(this.email);
    await this.byTestId('email-submit').click();
    const confirm = this.byTestId('email-confirm-form');
    await waitForValue(confirm.locator('input[name=code]'), /^[0-9A-Z]{6}$/);
    await this.byTestId('email-confirm').click();
    await this.byTestId('verified-badge').waitFor();
  }

  /** The device's location (the context grants it and fixes the position), by the sharing switch. */
  async shareLocation() {
    await this.tab('nearby');
    await this.byTestId('location-toggle').click();
    await this.page.locator('[data-testid=location-state][data-state=sharing][data-saved]').waitFor();
  }

  /** The development panel's coordinates. */
  async typeLocation(latitude, longitude) {
    await this.tab('me');
    const panel = this.byTestId('dev-panel');
    if (!await panel.evaluate(element => element.open)) await panel.locator('summary').click();
    const form = this.byTestId('location-form');
    await form.locator('input[name=latitude]').fill(String(latitude));
    await form.locator('input[name=longitude]').fill(String(longitude));
    await this.byTestId('location-save').click();
    await this.page.locator('[data-testid=location-state][data-state=manual][data-saved]').waitFor({ state: 'attached' });
  }

  match(other) { return this.page.locator(`[data-testid=match][data-member-id="${other.memberId}"]`); }

  /** Presses "Find" until the other person is among the matches (the draw is random among all). */
  async findMatch(other, attempts = 6) {
    await this.tab('nearby');
    for (let attempt = 0; attempt < attempts; attempt++) {
      await this.byTestId('find').click();
      try {
        await this.match(other).waitFor({ timeout: 3000 });
        return;
      } catch { /* not drawn this time */ }
    }
    throw new Error(`${this.name} never saw ${other.name} among the matches`);
  }

  room(other) { return this.page.locator(`[data-testid=room-item][data-opponent-id="${other.memberId}"]`); }

  async startChatWith(other) {
    await this.match(other).getByTestId('match-chat').click();
    await this.byTestId('conversation-title').filter({ hasText: other.nickname }).waitFor();
  }

  async openRoomWith(other) {
    await this.tab('chats');
    await this.room(other).click();
    await this.byTestId('conversation-title').filter({ hasText: other.nickname }).waitFor();
  }

  /** Opens the conversation's menu and presses one of its actions. */
  async roomAction(testId) {
    await this.byTestId('conversation-menu').click();
    await this.byTestId(testId).click();
  }

  /** Sends and waits for the ack: the message is in the list with its seq, nothing pending. */
  async send(text) {
    await this.byTestId('composer').locator('input[name=text]').fill(text);
    await this.byTestId('send').click();
    await this.message(text).waitFor();
    await this.page.waitForFunction(() => !document.querySelector('[data-testid=pending-message]'));
  }

  message(text) {
    return this.page.locator('[data-testid=message]').filter({ has: this.page.getByText(text, { exact: true }) });
  }

  async waitForUnread(other, expected) {
    await this.page.waitForFunction(({ id, count }) => {
      const badge = document.querySelector(`[data-testid=room-item][data-opponent-id="${id}"] [data-testid=unread]`);
      return (badge ? Number(badge.textContent) : 0) === count;
    }, { id: String(other.memberId), count: expected });
  }

  async messageTexts() {
    return this.page.locator('[data-testid=message] [data-testid=message-text]').allTextContents();
  }

  async accessToken() {
    return this.page.evaluate(() => JSON.parse(sessionStorage.getItem('distance.session'))?.accessToken);
  }
}

/** Waits until an input's value matches, e.g. a code the page filled in from the outbox. */
async function waitForValue(locator, pattern) {
  const handle = await locator.elementHandle();
  await locator.page().waitForFunction(
    ({ element, source }) => new RegExp(source).test(element.value), { element: handle, source: pattern.source });
}
