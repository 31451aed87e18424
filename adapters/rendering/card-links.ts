import type { Moment } from '../../domain/detection/moment';
import { cardUrl } from '../../domain/cards/card-url';

// The one place absolute links to a moment are built (alerts, share pages, intent links): when card URLs change
// shape, only these change.

/** The card of this version of the moment: a new version (provisional → final, worse numbers) is a new URL. */
export function cardImageUrl(publicBaseUrl: string, m: Moment): string {
  return cardUrl(m, publicBaseUrl);
}

/** The moment's share page (`GET /m/:id`), which unfurls as its card. */
export function sharePageUrl(publicBaseUrl: string, momentId: string): string {
  return `${publicBaseUrl}/m/${momentId}`;
}

/** Both, as an alert carries them. */
export function alertLinks(publicBaseUrl: string, m: Moment): { cardImageUrl: string; shareUrl: string } {
  return { cardImageUrl: cardImageUrl(publicBaseUrl, m), shareUrl: sharePageUrl(publicBaseUrl, m.id) };
}
