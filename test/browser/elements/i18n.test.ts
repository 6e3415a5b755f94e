import { expect } from '@open-wc/testing';
import { MODALITIES, OBJECTS, RELATIONSHIPS } from '../../../src/core/typology.js';
import { ERROR_CODES } from '../../../src/protocol/api.js';
import { texts as englishTexts } from '../../../src/i18n/en.js';
import { MESSAGE_IDS } from '../../../src/i18n/message-ids.js';
import { errorId, format, loadCatalogue, resolveLocale, withOverrides } from '../../../src/i18n/translate.js';

// The English catalogue by id, as `loadCatalogue` gives it.
const en: Record<string, string> = Object.fromEntries(MESSAGE_IDS.map((id, i) => [id, englishTexts[i]!]));

describe('i18n', () => {
  describe('resolveLocale', () => {
    const cases: [string | null, string | null, 'en' | 'fr'][] = [
      ['fr', 'en', 'fr'],
      ['fr-CA', null, 'fr'],
      ['en', 'fr', 'en'],
      [null, 'fr', 'fr'],
      ['', 'fr-BE', 'fr'],
      [null, 'de-DE', 'en'],
      [null, '', 'en'],
      [null, null, 'en'],
      ['es', 'fr', 'en'],
    ];
    for (const [element, page, expected] of cases) {
      it(`element ${element}, page ${page} → ${expected}`, () => {
        expect(resolveLocale(element, page)).to.equal(expected);
      });
    }
  });

  describe('format', () => {
    const cases: [string, Record<string, string | number> | undefined, string][] = [
      ['join.title', { name: 'Alice', course: 'Climate 101' }, 'Alice invites you to study Climate 101 together'],
      ['join.group', { members: 2, size: 3 }, 'Places taken: 2 of 3.'],
      ['status.accepted', {}, 'Accepted by {name}'],
      ['status.accepted', { name: '{course}' }, 'Accepted by {course}'],
      ['no.such.id', undefined, 'no.such.id'],
    ];
    for (const [id, params, expected] of cases) {
      it(`${id} ${JSON.stringify(params)} → ${expected}`, () => {
        expect(format(en, id, params)).to.equal(expected);
      });
    }
  });

  describe('withOverrides', () => {
    const overrides = { 'invite.title': 'Flat', fr: { 'invite.title': 'Français', 'join.accept': 'Oui !' }, en: { 'join.accept': 'Sure' } };
    const cases: ['en' | 'fr', string, string][] = [
      ['en', 'invite.title', 'Flat'],
      ['fr', 'invite.title', 'Français'],
      ['fr', 'join.accept', 'Oui !'],
      ['en', 'join.accept', 'Sure'],
      ['en', 'join.decline', 'Decline'],
    ];
    for (const [locale, id, expected] of cases) {
      it(`${locale} ${id} → ${expected}`, async () => {
        expect(withOverrides(await loadCatalogue(locale), overrides, locale)[id]).to.equal(expected);
      });
    }
  });

  // Errors a learner can meet and act on differently have a message of their own; the others share `error.internal`.
  const OWN_MESSAGE = [
    'token_missing',
    'token_invalid',
    'token_expired',
    'invite_not_found',
    'invite_expired',
    'invite_cancelled',
    'invite_used',
    'invite_declined',
    'own_invite',
    'already_member',
    'group_full',
    'group_not_found',
    'not_member',
    'not_offered',
    'internal',
    'network',
    'storage_unavailable',
    'token_unavailable',
  ];
  const EVERY_ERROR = [...ERROR_CODES, 'network', 'bad_reply', 'storage_unavailable', 'storage_corrupt', 'token_unavailable'];

  describe('errorId', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['group_full', en, 'error.group_full'],
      ['network', en, 'error.network'],
      ['bad_request', en, 'error.internal'],
      ['id_conflict', en, 'error.internal'],
      ['storage_corrupt', en, 'error.internal'],
      ['not_a_code', en, 'error.internal'],
      // A course can still give a shared code its own message.
      ['bad_request', { ...en, 'error.bad_request': 'Oops' }, 'error.bad_request'],
    ];
    for (const [code, messages, expected] of cases) {
      it(`${code}${messages === en ? '' : ' (overridden)'} → ${expected}`, () => {
        expect(errorId(messages, code)).to.equal(expected);
      });
    }
  });

  describe('catalogues label every code', () => {
    const ids = [
      ...RELATIONSHIPS.map((c) => `relationship.${c}`),
      ...OBJECTS.map((c) => `object.${c}`),
      ...MODALITIES.map((c) => `modality.${c}`),
      ...['pending', 'accepted', 'declined', 'cancelled', 'expired'].map((c) => `status.${c}`),
      ...OWN_MESSAGE.map((c) => `error.${c}`),
    ];
    for (const locale of ['en', 'fr'] as const) {
      it(`${locale}: ${ids.length} labels, none empty; every error code has a message; a text for every id`, async () => {
        const catalogue: Record<string, string> = await loadCatalogue(locale);
        for (const id of ids) expect(catalogue[id], id).to.be.a('string').and.not.equal('');
        for (const code of EVERY_ERROR) expect(catalogue[errorId(catalogue, code)], code).to.be.a('string').and.not.equal('');
        expect(Object.keys(catalogue)).to.deep.equal([...MESSAGE_IDS]);
        for (const id of MESSAGE_IDS) expect(catalogue[id], id).to.be.a('string').and.not.equal('');
      });
    }
  });
});
