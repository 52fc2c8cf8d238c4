/**
 * The exhibit cart: an "Add to exhibits" button on every passage and a page that turns the collected
 * passages into an exhibit packet or an annotated index (web/static/cart.js does the work in the browser;
 * without script the page says so).
 */
import type { Hit } from '../server/schemas.ts';

export function AddToExhibits(props: { hit: Hit }) {
  const { hit } = props;
  return (
    <button
      type="button"
      class="secondary"
      data-cart-add
      data-id={hit.id}
      data-document={hit.documentId}
      data-title={hit.title}
      data-cite={hit.citation.short}
      aria-pressed="false"
    >
      <span class="label">Add to exhibits</span>
    </button>
  );
}

export function CartLink() {
  return (
    <a class="cart-link" href="/exhibits">
      Exhibits (<span data-cart-count>0</span>)
    </a>
  );
}

export function ExhibitCart() {
  return (
    <section class="cart" data-cart aria-labelledby="cart-title">
      <h1 id="cart-title">Exhibits</h1>
      <noscript>
        <p class="notice">
          The exhibit cart needs JavaScript. The API builds packets without it: POST /api/exhibits.
        </p>
      </noscript>
      <p data-cart-empty>
        No passages yet. Use “Add to exhibits” on a search result; each report becomes one tab.
      </p>
      <ol data-cart-list class="cart-list" />
      <form hidden>
        <fieldset>
          <legend>Cover page (optional)</legend>
          <label>
            Respondent <input name="respondent" autocomplete="off" />
          </label>
          <label>
            A-number <input name="aNumber" placeholder="A012-345-678" autocomplete="off" />
          </label>
          <label>
            Immigration court <input name="court" placeholder="San Francisco, California" />
          </label>
          <label>
            Immigration judge <input name="judge" />
          </label>
          <label>
            Next hearing <input name="nextHearing" type="date" />
          </label>
        </fieldset>
        <label class="check">
          <input type="checkbox" name="certificate" /> Certificate of service
        </label>
        <label>
          Build
          <select name="format">
            <option value="pdf">Exhibit packet (PDF)</option>
            <option value="index-docx">Annotated index (Word)</option>
            <option value="index-pdf">Annotated index (PDF)</option>
            <option value="index-md">Annotated index (Markdown)</option>
          </select>
        </label>
        <button type="submit">Build</button>
        <p data-cart-status aria-live="polite" />
      </form>
    </section>
  );
}
