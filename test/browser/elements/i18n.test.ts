import { expect } from '@open-wc/testing';
import { MODALITIES, OBJECTS, RELATIONSHIPS } from '../../../src/core/typology.js';
import { ERROR_CODES } from '../../../src/protocol/api.js';
import { en } from '../../../src/i18n/en.js';
import { format, loadCatalogue, resolveLocale, withOverrides } from '../../../src/i18n/translate.js';

describe('i18n', () => {
  describe('resolveLocale', () => {
    const cases: [string | null, string | null, string | null, 'en' | 'fr'][] = [
      ['fr', 'en', 'en-US', 'fr'],
      ['fr-CA', null, null, 'fr'],
      ['en', 'fr', 'fr-FR', 'en'],
      [null, 'fr', 'en-US', 'fr'],
      ['', 'fr-BE', 'en-US', 'fr'],
      [null, '', 'fr-FR', 'fr'],
      [null, null, 'de-DE', 'en'],
      [null, null, null, 'en'],
      ['es', 'fr', null, 'en'],
    ];
    for (const [element, page, browser, expected] of cases) {
      it(`element ${element}, page ${page}, browser ${browser} → ${expected}`, () => {
        expect(resolveLocale(element, page, browser)).to.equal(expected);
      });
    }
  });

  describe('format', () => {
    const cases: [string, Record<string, string | number> | undefined, string][] = [
      ['join.title', { name: 'Alice', course: 'Climate 101' }, 'Alice invites you to study Climate 101 together'],
      ['join.group', { members: 2, size: 3 }, 'The group has 2 of 3 places taken.'],
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

  describe('catalogues label every code', () => {
    const ids = [
      ...RELATIONSHIPS.map((c) => `relationship.${c}`),
      ...OBJECTS.map((c) => `object.${c}`),
      ...MODALITIES.map((c) => `modality.${c}`),
      ...['pending', 'accepted', 'declined', 'cancelled', 'expired'].map((c) => `status.${c}`),
      ...[...ERROR_CODES, 'network', 'bad_reply', 'storage_unavailable', 'token_unavailable'].map((c) => `error.${c}`),
    ];
    for (const locale of ['en', 'fr'] as const) {
      it(`${locale}: ${ids.length} labels, none empty, French differs from English where it should`, async () => {
        const catalogue: Record<string, string> = await loadCatalogue(locale);
        for (const id of ids) expect(catalogue[id], id).to.be.a('string').and.not.equal('');
        expect(Object.keys(catalogue).sort()).to.deep.equal(Object.keys(en).sort());
      });
    }
  });
});
