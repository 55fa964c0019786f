// One student in one browser context, driving the reference page the way a person does:
// through its forms and buttons only (the page reads codes from the dev outbox itself).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const STEP_TIMEOUT_MS = 15_000;

export class Person {
  constructor(page, name, { phone, gender, email, artifacts }) {
    this.page = page;
    this.name = name;
    this.phone = phone;
    this.gender = gender;
    this.email = email;
    this.artifacts = artifacts;
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

  async open(baseUrl) {
    await this.page.goto(baseUrl);
    await this.page.locator('#auth-view').waitFor();
  }

  async screenshot(file) {
    await this.page.screenshot({ path: join(this.artifacts, `${this.name}-${file}.png`) });
  }

  /** Phone → SMS code (filled in from the dev outbox by the page) → profile → signed in. */
  async signUp(profile) {
    const sms = this.byTestId('sms-form');
    await sms.locator('input[name=phone]').fill(this.phone);
    await sms.getByRole('button').click();
    const confirm = this.byTestId('sms-confirm-form');
    await waitForValue(confirm.locator('input[name=code]'), /^\d{6}$/);
    await confirm.getByRole('button', { name: 'Confirm' }).click();

    const form = this.byTestId('signup-form');
    await form.waitFor();
    await form.locator('input[name=password]').fill(profile.password);
    await form.locator('select[name=gender]').selectOption(this.gender);
    await form.locator('input[name=schoolQuery]').fill(profile.schoolQuery);
    await form.locator(`select[name=schoolCode] option[value="${profile.schoolCode}"]`).waitFor({ state: 'attached' });
    await form.locator('select[name=schoolCode]').selectOption(profile.schoolCode);
    for (const field of ['college', 'department', 'mbti', 'character', 'tags', 'hobbies']) {
      await form.locator(`input[name=${field}]`).fill(profile[field]);
    }
    await form.getByRole('button', { name: 'Create account' }).click();
    await this.waitUntilConnected();
    this.nickname = (await this.byTestId('me-nickname').textContent()).trim();
    // The contract's nickname is department + mbti + "#" + memberId.
    this.memberId = Number(this.nickname.split('#').at(-1));
    if (!Number.isSafeInteger(this.memberId)) throw new Error(`no member id in nickname "${this.nickname}"`);
    this.firstAccessToken = await this.accessToken();
    this.signedUpAt = Date.now();
  }

  async waitUntilConnected(timeout = STEP_TIMEOUT_MS) {
    await this.page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout });
  }

  async verifySchoolEmail() {
    const form = this.byTestId('email-form');
    await form.locator('input[name=email]').fill(this.email);
    await form.getByRole('button').click();
    const confirm = this.byTestId('email-confirm-form');
    await waitForValue(confirm.locator('input[name=code]'), /^[0-9A-Z]{6}$/);
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await this.byTestId('verified-badge').waitFor();
  }

  /** The browser's geolocation (the context grants it and fixes the position). */
  async useBrowserLocation() {
    await this.page.getByRole('button', { name: 'Use my location' }).click();
    await this.page.locator('[data-testid=location-state]', { hasText: 'Location saved' }).waitFor();
  }

  async typeLocation(latitude, longitude) {
    const form = this.byTestId('location-form');
    await form.locator('input[name=latitude]').fill(String(latitude));
    await form.locator('input[name=longitude]').fill(String(longitude));
    await form.getByRole('button', { name: 'Save location' }).click();
    await this.page.locator('[data-testid=location-state]', { hasText: 'Location saved' }).waitFor();
  }

  match(other) { return this.page.locator(`[data-testid=match][data-member-id="${other.memberId}"]`); }

  /** Presses "Find" until the other person is among the matches (the draw is random among all). */
  async findMatch(other, attempts = 5) {
    for (let attempt = 0; attempt < attempts; attempt++) {
      await this.byTestId('matches-form').getByRole('button', { name: 'Find' }).click();
      try {
        await this.match(other).waitFor({ timeout: 3000 });
        return;
      } catch { /* not drawn this time */ }
    }
    throw new Error(`${this.name} never saw ${other.name} among the matches`);
  }

  room(other) { return this.page.locator(`[data-testid=room-item][data-opponent-id="${other.memberId}"]`); }

  async startChatWith(other) {
    await this.match(other).getByRole('button', { name: 'Chat' }).click();
    await this.room(other).waitFor();
    await this.byTestId('conversation-title').filter({ hasText: other.nickname }).waitFor();
  }

  async openRoomWith(other) {
    await this.room(other).click();
    await this.byTestId('conversation-title').filter({ hasText: other.nickname }).waitFor();
  }

  /** Sends and waits for the ack: the message is in the list with its seq, nothing pending. */
  async send(text) {
    const composer = this.byTestId('composer');
    await composer.locator('input[name=text]').fill(text);
    await composer.getByRole('button', { name: 'Send' }).click();
    await this.message(text).waitFor();
    await this.page.waitForFunction(() => !document.querySelector('[data-testid=pending-message]'));
  }

  message(text) {
    return this.page.locator('[data-testid=message]').filter({ has: this.page.getByText(text, { exact: true }) });
  }

  async unreadWith(other) {
    const badge = this.room(other).getByTestId('unread');
    return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
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
