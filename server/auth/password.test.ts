import { describe, expect, it } from 'vitest'
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './password.js'

const cheap = { N: 1024, r: 8, p: 1 }

describe('password hashing', () => {
  it('stores scrypt parameters, a salt and a hash, never the password', async () => {
    const h = await hashPassword('correct horse battery', cheap)
    const parts = h.split('$')
    expect(parts.slice(0, 4)).toEqual(['scrypt', '1024', '8', '1'])
    expect(Buffer.from(parts[4], 'base64url')).toHaveLength(16)
    expect(Buffer.from(parts[5], 'base64url')).toHaveLength(32)
    expect(h).not.toContain('correct horse')
  })

  it('uses a new salt each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same password', cheap), hashPassword('same password', cheap)])
    expect(a).not.toBe(b)
    expect(await verifyPassword('same password', a)).toBe(true)
    expect(await verifyPassword('same password', b)).toBe(true)
  })

  it('verifies with the parameters stored in the hash (default cost too)', async () => {
    const h = await hashPassword('a longer password')
    expect(h.startsWith('scrypt$32768$8$1$')).toBe(true)
    expect(await verifyPassword('a longer password', h)).toBe(true)
    expect(await verifyPassword('a longer passworD', h)).toBe(false)
  })

  it('treats a malformed stored value as no match', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$8$1$x$y', 'bcrypt$a$b$c$d$e', 'scrypt$99999999$8$1$AAAA$AAAA']) {
      expect(await verifyPassword('anything', bad)).toBe(false)
    }
  })

  it('refuses for an unknown account after the same work', async () => {
    expect(await verifyAgainstDummy('whatever')).toBe(false)
  })

  it.each([
    ['short', 'must be at least 10 characters long'],
    ['          ', 'must not be only spaces'],
    [42, 'must be a string'],
    ['x'.repeat(1025), 'must be at most 1024 characters long'],
    ['long enough pw', null],
    // Common passwords (the examples), any case; length in code points, not UTF-16 units.
    ['password12', 'is one of the most commonly used passwords, which attackers try first; choose another'],
    ['1234567890', 'is one of the most commonly used passwords, which attackers try first; choose another'],
    ['Password12', 'is one of the most commonly used passwords, which attackers try first; choose another'],
    ['qwertyuiop', 'is one of the most commonly used passwords, which attackers try first; choose another'],
    ['\u{1F600}'.repeat(5), 'must be at least 10 characters long'],
    ['\u{1F600}'.repeat(10), null],
    ['e\u0301'.repeat(5), 'must be at least 10 characters long'],
    ['lone \uD800 surrogate', 'must be valid Unicode text (it contains a lone surrogate)'],
  ])('password %j: %s', (pw, problem) => {
    expect(passwordProblem(pw)).toBe(problem)
  })
})
