// The contract's HTTP API straight from node, for the people a test needs around the two in the
// browser (e.g. members who fill someone's rooms). Codes come from the dev outbox, as in the page.

export const randomPhone = () =>
  `010-${String(1000 + Math.floor(Math.random() * 9000))}-${String(1000 + Math.floor(Math.random() * 9000))}`;

export async function call(base, method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(base + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function outboxCode(base, to, pattern) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const { body } = await call(base, 'GET', `/dev/outbox?to=${encodeURIComponent(to)}`);
    const code = body[0]?.text.split(/[^0-9A-Za-z]+/).find(word => pattern.test(word));
    if (code) return code;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  throw new Error(`no code in the dev outbox for ${to}`);
}

export const PASSWORD = 'festival-night-2026';

/** Signs up, verifies the school e-mail and sets a location: ready to match and open rooms. */
export async function verifiedMember(base, { gender, department, location, phone = randomPhone() }) {
  await call(base, 'POST', '/api/verifications/sms', { phone, purpose: 'signup' });
  const code = await outboxCode(base, phone, /^\d{6}$/);
  const { body: { verificationToken } } = await call(base, 'POST', '/api/verifications/sms/confirm', { phone, code });
  const { body: { member, tokens } } = await call(base, 'POST', '/api/members', {
    verificationToken, password: PASSWORD, gender, schoolCode: 'GACHON', college: '공과대학',
    department, mbti: 'ISTP', character: '조용함', tags: ['축제', '영화'], hobbies: ['등산'],
  });
  const token = tokens.accessToken;
  const email = `${member.memberId}.${Date.now()}@gachon.ac.kr`;
  await call(base, 'POST', '/api/verifications/school-email', { email }, token);
  await call(base, 'POST', '/api/verifications/school-email/confirm', { code: await outboxCode(base, email, /^[0-9A-Z]{6}$/) }, token);
  await call(base, 'PUT', '/api/me/location', location, token);
  return { memberId: member.memberId, nickname: member.nickname, token, phone };
}

/** POST /api/rooms as that member: { status, body } (201/200 room, 202 request). */
export const openRoom = (base, member, opponentId) =>
  call(base, 'POST', '/api/rooms', { memberId: opponentId }, member.token);

/** POST /api/auth/login: the tokens, or the refusal as an Error with the status in its message. */
export const logIn = async (base, phone, password = PASSWORD) =>
  (await call(base, 'POST', '/api/auth/login', { phone, password })).body;
