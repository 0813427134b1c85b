/**
 * @module
 * SVG badges per monitor, in the flat style READMEs use (shields.io's layout: a grey label and
 * a coloured message). Widths are estimated at ~6.5 px per character of 11 px Verdana, as
 * shields does before it had font metrics; close enough for short words.
 */
import { escapeHtml } from './html.js';

/** A badge saying `label | message` in `colour`. */
export function renderBadge(label: string, message: string, colour: string): string {
  const lw = Math.round(label.length * 6.5 + 10);
  const mw = Math.round(message.length * 6.5 + 10);
  const w = lw + mw;
  const l = escapeHtml(label);
  const m = escapeHtml(message);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}"><title>${l}: ${m}</title><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${colour}"/><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="${lw / 2}" y="14">${l}</text><text x="${lw + mw / 2}" y="14">${m}</text></g></svg>`;
}

/** The badge of a monitor's status (`up`, `down`, `degraded`, `maintenance`). */
export function statusBadge(name: string, status: string): string {
  const [msg, colour] =
    status === 'operational'
      ? ['up', '#2fb344']
      : status === 'major_outage'
        ? ['down', '#d63939']
        : status === 'under_maintenance'
          ? ['maintenance', '#206bc4']
          : ['degraded', '#f59f00'];
  return renderBadge(name, msg, colour);
}
