import { story, THEMES } from '../cards/card';
import { humanDate, humanPct, humanUsd, shortAddress } from '../cards/format';
import { momentTokens, tokenLabel } from '../cards/tokens';
import type { Moment } from '../detection/moment';

/** Links an alert carries: the versioned card image and the moment's share page, both absolute. */
export interface AlertLinks { cardImageUrl: string; shareUrl: string }

export type AlertEventType = 'moment.created' | 'moment.updated' | 'moment.finalized';

const KIND_NAMES: Record<Moment['kind'], string> = { S2E: 'Sold too early', BHD: 'Held the bag', BadRoute: 'Bad route', IdleYield: 'Idle money' };

/** "Sold too early: $2.1K missed on WIF" */
export function alertTitle(m: Moment): string {
  return `${KIND_NAMES[m.kind]}: ${humanUsd(m.missedUsd)} ${THEMES[m.kind].missedWord} on ${tokenLabel(m.mint, momentTokens(m))}`;
}

/** The card's own sentence, plus what kind of news this is (a provisional moment may still get worse). */
export function alertDescription(m: Moment): string {
  const state = m.status === 'provisional' ? 'Provisional: the 7-day window is still open, the numbers are the worst so far.' : 'Final.';
  return `${story(m)}. ${state}`;
}

function pctOf(m: Moment): string {
  return humanPct(m.pct, m.kind === 'S2E' || m.kind === 'IdleYield' ? '+' : '−');
}

/** Generic webhooks: the moment exactly as the API shows it (design §6), with absolute, versioned links. */
export function webhookBody(o: { deliveryId: string; type: AlertEventType; moment: Moment; links: AlertLinks; createdAt: string }): string {
  return JSON.stringify({
    id: o.deliveryId,
    type: o.type,
    createdAt: o.createdAt,
    moment: { ...o.moment, cardUrl: o.links.cardImageUrl },
    shareUrl: o.links.shareUrl,
  });
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Discord execute-webhook JSON: one embed (title ≤ 256, fields ≤ 25 of ≤ 1024), the card as its image; no pings. */
export function discordPayload(m: Moment, links: AlertLinks): Record<string, unknown> {
  return {
    username: 'OOF',
    allowed_mentions: { parse: [] },
    embeds: [{
      title: cut(alertTitle(m), 256),
      description: cut(alertDescription(m), 4096),
      url: links.shareUrl,
      color: parseInt(THEMES[m.kind].color.slice(1), 16),
      timestamp: m.at,
      fields: [
        { name: 'Missed', value: humanUsd(m.missedUsd), inline: true },
        { name: 'Move', value: pctOf(m), inline: true },
        { name: 'Severity', value: `${Math.round(Number(m.severity) * 100)}%`, inline: true },
        { name: 'Wallet', value: shortAddress(m.wallet), inline: true },
        { name: 'Token', value: tokenLabel(m.mint), inline: true },
        { name: 'Status', value: m.status, inline: true },
      ],
      image: { url: links.cardImageUrl },
      footer: { text: `OOF · ${humanDate(m.at)}` },
    }],
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Telegram Bot API sendPhoto: the card by URL (Telegram fetches it) and an HTML caption of ≤ 1024 characters. */
export function telegramPhoto(chatId: string, m: Moment, links: AlertLinks): Record<string, unknown> {
  const caption = `<b>${escapeHtml(alertTitle(m))}</b>\n${escapeHtml(alertDescription(m))}\n${escapeHtml(shortAddress(m.wallet))} · ${pctOf(m)}`;
  return {
    chat_id: chatId,
    photo: links.cardImageUrl,
    caption: caption.length > 1024 ? `${caption.slice(0, 1020)}…` : caption,
    parse_mode: 'HTML',
    reply_markup: { inline_keyboard: [[{ text: 'Open the moment', url: links.shareUrl }]] },
  };
}

/** What a rate-limited destination was not sent during one window, as one message. */
export interface Digest { held: Array<{ moment: Moment; links: AlertLinks }>; windowStart: string; windowEnd: string }

function digestLines(d: Digest, max: number): string[] {
  const lines = d.held.slice(0, max).map(({ moment }) => `• ${alertTitle(moment)} (${shortAddress(moment.wallet)}, ${moment.status})`);
  if (d.held.length > max) lines.push(`• … and ${d.held.length - max} more`);
  return lines;
}

export function digestSummary(d: Digest): string {
  return `${d.held.length} alert${d.held.length === 1 ? ' was' : 's were'} held back by the hourly limit between ${d.windowStart} and ${d.windowEnd}`;
}

export function webhookDigestBody(o: { deliveryId: string; digest: Digest; createdAt: string }): string {
  return JSON.stringify({
    id: o.deliveryId,
    type: 'alerts.digest',
    createdAt: o.createdAt,
    windowStart: o.digest.windowStart,
    windowEnd: o.digest.windowEnd,
    held: o.digest.held.map(({ moment, links }) => ({ ...moment, cardUrl: links.cardImageUrl, shareUrl: links.shareUrl })),
  });
}

export function discordDigest(d: Digest): Record<string, unknown> {
  return {
    username: 'OOF',
    allowed_mentions: { parse: [] },
    embeds: [{ title: cut(digestSummary(d), 256), description: cut(digestLines(d, 30).join('\n'), 4096), color: 0x888888 }],
  };
}

/** sendMessage (≤ 4096 characters): the digest as a list. */
export function telegramDigest(chatId: string, d: Digest): Record<string, unknown> {
  const text = `<b>${escapeHtml(digestSummary(d))}</b>\n${escapeHtml(digestLines(d, 40).join('\n'))}`;
  return { chat_id: chatId, text: text.length > 4096 ? `${text.slice(0, 4092)}…` : text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } };
}
