/**
 * The exhibit cart: an "Add to exhibits" button on every passage and a page that groups the collected
 * passages into exhibits (tabs) with a claim element and summary each, and turns them into an exhibit packet
 * or an annotated index (web/static/cart.js does the work in the browser;
 * without script the page says so).
 */
import { pageRange } from '../core/citation.ts';
import { tabLetter } from '../server/exhibits/resolve.ts';
import { LIMITS, Service } from '../server/exhibits/schemas.ts';
import type { Hit } from '../server/schemas.ts';

/** Where the passage is, beyond its short cite: "¶ 2 · pp. 30–31", so two passages of one section differ. */
export function passagePlace(hit: Pick<Hit, 'paragraph' | 'page' | 'pageEnd'>): string {
  const pages = pageRange(hit.page, hit.pageEnd);
  const pageLabel = pages
    ? `${hit.pageEnd !== null && hit.pageEnd !== hit.page ? 'pp.' : 'p.'} ${pages}`
    : '';
  return [`¶ ${hit.paragraph}`, pageLabel].filter(Boolean).join(' · ');
}

const SNIPPET_WORDS = 16;

/** The passage's opening words, to tell it apart in the cart. */
function opening(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  return `${words.slice(0, SNIPPET_WORDS).join(' ')}${words.length > SNIPPET_WORDS ? ' …' : ''}`;
}

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
      data-place={passagePlace(hit)}
      data-snippet={opening(hit.text)}
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

/** `elements`: the taxonomy's legal elements, offered for each exhibit's claim element (any text is allowed). */
export function ExhibitCart(props: { elements: string[] }) {
  return (
    <section
      class="cart"
      data-cart
      data-tabs={Array.from({ length: LIMITS.exhibits }, (_, i) => tabLetter(i)).join(' ')}
      aria-labelledby="cart-title"
    >
      <h1 id="cart-title">Exhibits</h1>
      <noscript>
        <p class="notice">
          The exhibit cart needs JavaScript. The API builds packets without it: POST /api/exhibits.
        </p>
      </noscript>
      <p data-cart-empty>
        No passages yet. Use “Add to exhibits” on a search result; each report becomes one tab, and you can
        move passages between tabs here.
      </p>
      <ol data-cart-list class="cart-list" />
      <datalist id="cart-elements">
        {props.elements.map((label) => (
          <option value={label} />
        ))}
      </datalist>
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
        <fieldset>
          <legend>Filed by (optional; a name is needed if you fill any of these)</legend>
          <label>
            Name <input name="filerName" autocomplete="name" />
          </label>
          <label>
            Firm or organization <input name="filerFirm" autocomplete="organization" />
          </label>
          <label>
            Address <textarea name="filerAddress" rows={3} autocomplete="street-address" />
          </label>
          <label>
            Phone <input name="filerPhone" type="tel" autocomplete="tel" />
          </label>
          <label>
            Email <input name="filerEmail" type="email" autocomplete="email" />
          </label>
          <label>
            EOIR ID <input name="filerEoirId" autocomplete="off" />
          </label>
        </fieldset>
        <fieldset>
          <legend>
            <label class="check">
              <input type="checkbox" name="certificate" /> Certificate of service
            </label>
          </legend>
          <label>
            Served on{' '}
            <input name="servedOn" size={44} placeholder="DHS/ICE Office of the Principal Legal Advisor" />
          </label>
          <label>
            Address <textarea name="serviceAddress" rows={2} />
          </label>
          <label>
            Date <input name="serviceDate" type="date" />
          </label>
          <label>
            Method
            <select name="serviceMethod">
              <option value="">(fill in by hand)</option>
              {Service.shape.method.unwrap().options.map((method) => (
                <option value={method}>{method}</option>
              ))}
            </select>
          </label>
        </fieldset>
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
