import { mockGatewayForms } from './mock-gateway-page.js';
import type { MockOutcome } from './providers/mock.js';

export type PressedButton = { status: number; location: string | null };

/** Why an answer was not what the buyer expected, in one line: the problem's detail when there is one. */
async function refusal(what: string, res: Response): Promise<Error> {
  const text = await res.text();
  let detail = text.slice(0, 200);
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string; code?: string };
    detail = `${problem.code ?? ''} ${problem.detail ?? problem.title ?? ''}`.trim();
  } catch {
    // not a problem+json body: keep the start of the text
  }
  return new Error(`${what} answered ${res.status}${detail ? `: ${detail}` : ''}`);
}

/**
 * What the buyer's browser does on the mock gateway page: loads it and submits the form
 * behind one of its buttons (the HMAC-signed callback), without following the redirect to the
 * storefront. For a shell (`npm run pay`) and for tests that play the buyer.
 */
export async function pressMockGatewayButton(pageUrl: string | URL, outcome: MockOutcome): Promise<PressedButton> {
  const page = await fetch(pageUrl, { headers: { Accept: 'text/html' } });
  if (!page.ok) throw await refusal(`The mock gateway page ${pageUrl}`, page);
  const html = await page.text();
  const form = mockGatewayForms(html).find((f) => f.fields.outcome === outcome);
  if (!form) {
    const state = /This payment is (\w+)/.exec(html)?.[1];
    throw new Error(`The mock gateway page offers no "${outcome}" button${state ? `: the payment is already ${state}` : ''}`);
  }
  const res = await fetch(new URL(form.action, pageUrl), { method: 'POST', body: new URLSearchParams(form.fields), redirect: 'manual' });
  if (res.status !== 303) throw await refusal(`The mock gateway callback ${form.action}`, res);
  return { status: res.status, location: res.headers.get('location') };
}
