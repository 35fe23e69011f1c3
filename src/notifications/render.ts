import Handlebars from 'handlebars';
import { toDecimal } from '../payments/money.js';
import { HTML_PARTIALS, TEMPLATES, TEXT_PARTIALS, type MailKind } from './templates.js';

export type RenderedMail = { subject: string; html: string; text: string };

/** 125000 BDT minor units -> "BDT 1,250.00" (en), with the currency's own minor units. */
export function formatMoney(amountMinor: number, currency: string): string {
  // the exact decimal string, not a float: Intl formats it digit for digit
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(toDecimal(amountMinor, currency) as `${number}`);
}

const formatDate = (iso: string) => new Date(iso).toUTCString();

/** The HTML part escapes every value; the text part and the subject are plain text and keep them as written. */
function environment(partials: Record<string, string>, escape: boolean) {
  const env = Handlebars.create();
  env.registerHelper('money', (amountMinor: number, currency: string) => formatMoney(amountMinor, currency));
  env.registerHelper('date', (iso: string) => formatDate(iso));
  for (const [name, source] of Object.entries(partials)) env.registerPartial(name, source);
  const compile = (source: string) => env.compile(source, { noEscape: !escape });
  return { compile };
}

const html = environment(HTML_PARTIALS, true);
const text = environment(TEXT_PARTIALS, false);
const compiled = Object.fromEntries(
  Object.entries(TEMPLATES).map(([kind, t]) => [kind, { subject: text.compile(t.subject), html: html.compile(t.html), text: text.compile(t.text) }]),
) as Record<MailKind, { subject: Handlebars.TemplateDelegate; html: Handlebars.TemplateDelegate; text: Handlebars.TemplateDelegate }>;

export function renderMail(kind: MailKind, context: { shop: { name: string } } & Record<string, unknown>): RenderedMail {
  const template = compiled[kind];
  return {
    // one line: a value with a line break must not start a header of its own
    subject: `${template.subject(context).replace(/\s+/g, ' ').trim()} - ${context.shop.name.replace(/\s+/g, ' ')}`,
    html: template.html(context),
    text: template.text(context),
  };
}
