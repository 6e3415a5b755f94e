import { expect } from '@open-wc/testing';
import { define } from '../../../src/elements/define.js';

describe('script entry', () => {
  it('defines every element', async () => {
    await import('../../../src/index.js');
    for (const tag of ['tandem-config', 'tandem-invite', 'tandem-join', 'tandem-groups']) {
      expect(customElements.get(tag), tag).to.be.a('function');
    }
  });

  it('loading it twice, or a second copy defining the same tags, does not throw', async () => {
    const first = customElements.get('tandem-invite');
    await import('../../../src/index.js?copy=2' as string);
    expect(() => define('tandem-invite', class extends HTMLElement {})).not.to.throw();
    expect(customElements.get('tandem-invite')).to.equal(first);
  });
});
