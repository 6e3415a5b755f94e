/**
 * Part 2's catalogues (peers-en.ts, peers-fr.ts): one text per id of PEER_MESSAGE_IDS, in order, none empty, the same placeholders in both languages, a message for
 * every error code part 2 can meet, and none of part 1's ids taken again.
 */
import { expect } from '@open-wc/testing';
import { texts as en } from '../../../src/i18n/peers-en.js';
import { texts as fr } from '../../../src/i18n/peers-fr.js';
import { MESSAGE_IDS } from '../../../src/i18n/message-ids.js';
import { PEER_MESSAGE_IDS, REPORT_REASONS } from '../../../src/i18n/peer-message-ids.js';
import { ERROR_CODES } from '../../../src/protocol/api.js';
import { REPORT_REASONS as WIRE_REPORT_REASONS } from '../../../src/protocol/requests.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('part 2’s messages', () => {
  // Anchors along the list: a line added or dropped before one shifts it (the browser gets the sources without
  // their comments, so the comments naming each line's id cannot be read here).
  const anchors: Record<string, [string, string]> = {
    'error.not_opted_in': ['First say you are looking for a study partner.', 'Dites d’abord que vous cherchez un binôme.'],
    'error.duplicate_request': ['A request between you two already waits for an answer.', 'Une demande entre vous deux attend déjà une réponse.'],
    'reason.availability': ['{hours} h of shared availability ({part})', '{hours} h de disponibilité commune ({part})'],
    'part.evening': ['Evening', 'Soir'],
    'profile.count': ['{count}/280 characters', '{count}/280 caractères'],
    'peers.again': ['Team up again', 'Refaire équipe'],
    'report.other': ['Something else', 'Autre chose'],
    'ask.signed-out': ['Sign in to study with {name}', 'Connectez-vous pour étudier avec {name}'],
    'requests.declined': ['Request declined.', 'Demande refusée.'],
  };
  for (const [locale, texts, column] of [
    ['en', en, 0],
    ['fr', fr, 1],
  ] as const) {
    it(`${locale}: a text for every id, none empty, in the order of PEER_MESSAGE_IDS`, () => {
      expect(texts).to.have.length(PEER_MESSAGE_IDS.length);
      for (const [i, text] of texts.entries()) expect(text, PEER_MESSAGE_IDS[i]).to.be.a('string').and.not.equal('');
      for (const [id, pair] of Object.entries(anchors)) expect(texts[PEER_MESSAGE_IDS.indexOf(id as never)], id).to.equal(pair[column]);
    });
  }

  it('French has the placeholders English has', () => {
    for (const [i, id] of PEER_MESSAGE_IDS.entries()) expect(placeholders(fr[i]!), id).to.deep.equal(placeholders(en[i]!));
  });

  it('every error code of part 2’s routes a learner can meet has its own message', () => {
    const part2 = ['not_opted_in', 'peer_unavailable', 'own_request', 'duplicate_request', 'request_limit', 'request_not_found', 'request_closed'];
    for (const code of part2) {
      expect(ERROR_CODES).to.include(code);
      expect(PEER_MESSAGE_IDS).to.include(`error.${code}`);
    }
  });

  it('no id of part 1 again (an override would apply to both), and the report reasons are the wire’s', () => {
    for (const id of PEER_MESSAGE_IDS) expect(MESSAGE_IDS as readonly string[], id).to.not.include(id);
    expect([...REPORT_REASONS]).to.deep.equal([...WIRE_REPORT_REASONS]);
  });
});
