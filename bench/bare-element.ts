// The baseline for render.first_ms: a bare Lit element, built and loaded the
// same way as tandem.js, so the figure shows what Tandem adds to Lit itself.
import { LitElement, html, css } from 'lit';

class BenchBare extends LitElement {
  static override styles = css`:host { display: block; }`;
  override render() {
    return html`<p>Hello</p>`;
  }
}
if (!customElements.get('bench-bare')) customElements.define('bench-bare', BenchBare);
