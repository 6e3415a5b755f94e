import { expect } from '@open-wc/testing';
import { parseConfig } from '../../../src/elements/config-resolver.js';
import { readRawConfig, type RawConfig } from '../../../src/elements/config-reader.js';
import { unmountAll } from './fixtures.js';

const BASE = 'https://mooc.example.org/courses/climate/lesson-3?unit=2';
const GOOD: RawConfig = { endpoint: 'https://tandem.example.org', course: 'course-v1:Org+CS101+2025' };

describe('config resolver', () => {
  afterEach(unmountAll);

  describe('parseConfig', () => {
    const cases: [string, RawConfig, Record<string, unknown> | { problems: [string, 'missing' | 'invalid'][] }][] = [
      ['minimal', GOOD, { endpoint: 'https://tandem.example.org', course: 'course-v1:Org+CS101+2025' }],
      ['absolute-path endpoint', { ...GOOD, endpoint: '/tandem' }, { endpoint: 'https://mooc.example.org/tandem' }],
      ['dot-relative token-url', { ...GOOD, 'token-url': './token' }, { 'token-url': 'https://mooc.example.org/courses/climate/token' }],
      ['messages JSON', { ...GOOD, messages: '{"fr":{"invite.title":"Salut"}}' }, { messages: { fr: { 'invite.title': 'Salut' } } }],
      ['missing endpoint', { course: 'c' }, { problems: [['endpoint', 'missing']] }],
      ['missing everything', {}, { problems: [['endpoint', 'missing'], ['course', 'missing']] }],
      ['words as endpoint', { ...GOOD, endpoint: 'tandem server' }, { problems: [['endpoint', 'invalid']] }],
      ['ftp endpoint', { ...GOOD, endpoint: 'ftp://tandem.example.org' }, { problems: [['endpoint', 'invalid']] }],
      ['javascript enroll-url', { ...GOOD, 'enroll-url': 'javascript:alert(1)' }, { problems: [['enroll-url', 'invalid']] }],
      ['course with spaces', { ...GOOD, course: 'my course' }, { problems: [['course', 'invalid']] }],
      ['bad lang', { ...GOOD, lang: 'french!' }, { problems: [['lang', 'invalid']] }],
      ['broken messages JSON', { ...GOOD, messages: '{nope' }, { problems: [['messages', 'invalid']] }],
      ['messages not an object of strings', { ...GOOD, messages: '{"a": 1}' }, { problems: [['messages', 'invalid']] }],
    ];
    for (const [name, raw, expected] of cases) {
      it(name, () => {
        const result = parseConfig(raw, BASE);
        if ('problems' in expected) {
          expect(result.ok).to.equal(false);
          if (!result.ok) expect(result.problems.map((p) => [p.attribute, p.kind])).to.deep.equal(expected.problems);
        } else {
          expect(result.ok).to.equal(true);
          if (result.ok) expect(result.config).to.deep.include(expected);
        }
      });
    }
  });

  it('the element’s own attributes override the first <tandem-config>, empty ones count as absent', () => {
    const holder = document.createElement('div');
    holder.dataset.testMount = '';
    holder.innerHTML = `<tandem-config endpoint="https://a.example" course="one" lang="fr"></tandem-config>
      <tandem-config endpoint="https://ignored.example" course="ignored"></tandem-config>
      <tandem-invite course="two" lang=""></tandem-invite>`;
    // Not connected to the document: the resolver only reads attributes, no element is upgraded.
    const el = holder.querySelector('tandem-invite')!;
    expect(readRawConfig(el)).to.deep.equal({ endpoint: 'https://a.example', course: 'two', lang: 'fr' });
  });
});
