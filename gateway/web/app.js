// @ts-check
// The page at `/`: plain browser JavaScript over the public API (POST /v1/analyze, the analysis SSE stream, the card
// route), so it shows exactly what any other client would get. No framework: the whole page is this file.
'use strict';

(() => {
  /** @param {string} id */
  const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const knownTokens = /** @type {Record<string, string>} */ (JSON.parse(el('known-tokens').textContent || '{}'));
  const form = /** @type {HTMLFormElement} */ (el('analyze-form'));
  const walletsInput = /** @type {HTMLTextAreaElement} */ (el('wallets'));
  const tokenInput = /** @type {HTMLInputElement} */ (el('token'));
  const submit = /** @type {HTMLButtonElement} */ (el('analyze'));
  const formError = el('form-error');
  const progressSection = el('progress-section');
  const progressBar = /** @type {HTMLProgressElement} */ (el('progress'));
  const statusLine = el('status');
  const walletList = el('wallet-progress');
  const analysisLink = el('analysis-link');
  const momentList = el('moments');
  const momentCount = el('moment-count');
  const momentsEmpty = el('moments-empty');
  const dialog = /** @type {HTMLDialogElement} */ (el('card-dialog'));
  const dialogTitle = el('card-title');
  const dialogImage = /** @type {HTMLImageElement} */ (el('card-full'));
  const dialogLink = /** @type {HTMLAnchorElement} */ (el('card-link'));
  const shareStatus = el('share-status');
  const destForm = /** @type {HTMLFormElement} */ (el('destination-form'));
  const destKind = /** @type {HTMLSelectElement} */ (el('dest-kind'));
  const destError = el('dest-error');
  const destSecret = el('dest-secret');
  const destList = el('destinations');
  const reportSection = el('report-section');
  const reportStatus = el('report-status');
  const reportTotals = el('report-totals');
  const reportChart = el('report-chart');
  const reportRows = /** @type {HTMLTableSectionElement} */ (el('report-positions').querySelector('tbody'));
  const reportCsv = /** @type {HTMLAnchorElement} */ (el('report-csv'));
  const reportCard = /** @type {HTMLAnchorElement} */ (el('report-card'));

  const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
  const KINDS = {
    S2E: 'Sold too early',
    BHD: 'Bag-holder drawdown',
    BadRoute: 'Worse than the best route',
    IdleYield: 'Idle yield-bearing balance',
  };
  const STAGES = { queued: 'queued', backfilling: 'fetching transactions', detecting: 'looking for moments', completed: 'done', failed: 'failed' };
  // Amounts arrive as exact decimal strings; Intl formats strings without going through a float.
  const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  // Prices span $0.00002 (BONK) to $200 (SOL): significant digits, not cents.
  const usdPrice = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 4 });

  /** @type {EventSource | undefined} */
  let stream;
  /** @type {Map<string, any>} */
  const moments = new Map();
  /** @type {HTMLElement | null} */
  let dialogOpener = null;

  /** @param {string} text */
  const parseWallets = (text) => [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  /** @param {string} mint */
  /** The registry's symbol (every moment carries `token`), the built-in fallback, or the short mint. @param {any} m */
  const tokenLabel = (m) => m.token?.symbol ?? knownTokens[m.mint] ?? `${m.mint.slice(0, 4)}…${m.mint.slice(-4)}`;
  /** @param {string} address */
  const shortAddress = (address) => `${address.slice(0, 4)}…${address.slice(-5)}`;
  /** @param {string} iso */
  const day = (iso) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  /** @param {string} value */
  const money = (value) => usd.format(/** @type {any} */ (value));
  /** @param {string} value */
  const price = (value) => usdPrice.format(/** @type {any} */ (value));

  /** @returns {{ header: Record<string, string>, query: string }} */
  function credentials() {
    const token = tokenInput.value.trim();
    return token ? { header: { Authorization: `Bearer ${token}` }, query: `?access_token=${encodeURIComponent(token)}` } : { header: {}, query: '' };
  }

  /** A problem+json answer as one readable sentence. @param {Response} res */
  async function problemText(res) {
    try {
      const p = await res.json();
      return p.detail ? `${p.title}: ${p.detail}` : p.title || `HTTP ${res.status}`;
    } catch {
      return `The server answered HTTP ${res.status}.`;
    }
  }

  /** @param {string} message */
  function showFormError(message) {
    formError.textContent = message;
    walletsInput.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (message) walletsInput.focus();
  }

  async function startAnalysis() {
    const wallets = parseWallets(walletsInput.value);
    if (wallets.length === 0) return showFormError('Paste at least one wallet address.');
    const invalid = wallets.filter((w) => !BASE58_ADDRESS.test(w));
    if (invalid.length) return showFormError(`Not a Solana address: ${invalid.slice(0, 3).join(', ')}${invalid.length > 3 ? ` and ${invalid.length - 3} more` : ''}.`);
    showFormError('');
    submit.disabled = true;
    try {
      const res = await fetch('/v1/analyze', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...credentials().header },
        body: JSON.stringify({ wallets }),
      });
      if (res.status !== 202) return showFormError(await problemText(res));
      follow(await res.json());
    } catch (err) {
      showFormError(`Could not reach the server (${err instanceof Error ? err.message : String(err)}).`);
    } finally {
      submit.disabled = false;
    }
  }

  /** The report of the analysed wallets (one owner's: one FIFO across them), shown above the moments. @param {string[]} wallets */
  async function loadReport(wallets) {
    reportSection.hidden = false;
    reportStatus.textContent = 'Computing the report…';
    try {
      const res = wallets.length === 1
        ? await fetch(`/v1/wallets/${wallets[0]}/report`, { headers: credentials().header })
        : await fetch('/v1/reports', { method: 'POST', headers: { 'Content-Type': 'application/json', ...credentials().header }, body: JSON.stringify({ wallets }) });
      if (!res.ok) {
        reportStatus.textContent = await problemText(res);
        return;
      }
      renderReport(await res.json());
    } catch (err) {
      reportStatus.textContent = `Could not load the report (${err instanceof Error ? err.message : String(err)}).`;
    }
  }

  /** @param {string | null} v */
  const orDash = (v) => (v === null ? '–' : money(v));

  /** @param {any} r */
  function renderReport(r) {
    const hidden = r.spam && !r.spam.included ? r.spam.mints.length : 0;
    const spamNote = hidden ? ` · ${hidden} spam token${hidden === 1 ? '' : 's'} left out` : '';
    reportStatus.textContent = `As of ${new Date(r.now).toUTCString()} · OOF score ${r.oof.score} / 100${spamNote}`;
    const t = r.totals;
    /** @type {Array<[string, string]>} */
    const facts = [
      ['Net PnL', orDash(t.netPnlUsd)], ['Realized', orDash(t.realizedPnlUsd)], ['Unrealized', orDash(t.unrealizedPnlUsd)], ['Fees', orDash(t.feesUsd)],
      ['Volume', orDash(t.volumeUsd)], ['Win rate', t.winRate === null ? '–' : `${(Number(t.winRate) * 100).toFixed(1)}% of ${t.sells} sells`],
      ['OOF score', `${r.oof.score} / 100`], ['Missed', orDash(r.oof.missedUsd)],
    ];
    reportTotals.replaceChildren(...facts.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dd.dataset.total = k;
      return [dt, dd];
    }));
    reportRows.replaceChildren(...r.positions.map((/** @type {any} */ p) => {
      const tr = document.createElement('tr');
      tr.dataset.mint = p.mint;
      const label = r.tokens[p.mint]?.symbol ?? knownTokens[p.mint] ?? `${p.mint.slice(0, 4)}…${p.mint.slice(-4)}`;
      for (const [i, v] of [label, p.held, orDash(p.costBasisUsd), orDash(p.valueUsd), orDash(p.realizedPnlUsd), orDash(p.unrealizedPnlUsd)].entries()) {
        const cell = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) cell.setAttribute('scope', 'row');
        cell.textContent = v;
        tr.append(cell);
      }
      return tr;
    }));
    drawChart(r.chart);
    const csvPath = r.wallets.length === 1 ? `/v1/wallets/${r.wallets[0]}/report.csv` : '';
    reportCsv.hidden = !csvPath;
    reportCsv.href = csvPath || '#';
    reportCard.hidden = !r.card;
    if (r.card) reportCard.href = r.card.shareUrl;
  }

  /** The cumulative PnL as an SVG polyline; pixels are the only floats. @param {Array<[string, string]>} points */
  function drawChart(points) {
    const NS = 'http://www.w3.org/2000/svg';
    reportChart.replaceChildren();
    if (points.length < 2) return;
    const xs = points.map((p) => Date.parse(p[0]));
    const ys = points.map((p) => Number(p[1]));
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const [lo, hi] = [Math.min(0, ...ys), Math.max(0, ...ys)];
    const x = (/** @type {number} */ v) => 4 + ((v - x0) / Math.max(1, x1 - x0)) * 592;
    const y = (/** @type {number} */ v) => 4 + (1 - (hi === lo ? 0.5 : (v - lo) / (hi - lo))) * 152;
    const zero = document.createElementNS(NS, 'line');
    for (const [k, v] of Object.entries({ x1: 4, x2: 596, y1: y(0), y2: y(0), class: 'zero' })) zero.setAttribute(k, String(v));
    const line = document.createElementNS(NS, 'polyline');
    line.setAttribute('points', xs.map((v, i) => `${x(v).toFixed(1)},${y(ys[i] ?? 0).toFixed(1)}`).join(' '));
    line.setAttribute('class', (ys[ys.length - 1] ?? 0) < 0 ? 'pnl loss' : 'pnl gain');
    reportChart.append(zero, line);
  }

  /** @param {{ analysisId: string, wallets: string[] }} analysis */
  function follow(analysis) {
    stream?.close();
    moments.clear();
    momentList.replaceChildren();
    renderCount();
    progressSection.hidden = false;
    progressBar.value = 0;
    analysisLink.textContent = `Analysis ${analysis.analysisId} of ${analysis.wallets.length} wallet${analysis.wallets.length === 1 ? '' : 's'}.`;
    statusLine.textContent = 'Started; waiting for the first progress report…';
    walletList.replaceChildren();

    const es = new EventSource(`/v1/analyses/${analysis.analysisId}/stream${credentials().query}`);
    stream = es;
    es.addEventListener('progress', (e) => renderProgress(JSON.parse(/** @type {MessageEvent} */ (e).data)));
    es.addEventListener('moment', (e) => upsertMoment(JSON.parse(/** @type {MessageEvent} */ (e).data)));
    es.addEventListener('done', () => {
      es.close();
      progressBar.value = progressBar.max;
      statusLine.textContent = `Finished: ${moments.size} moment${moments.size === 1 ? '' : 's'} found.`;
      void loadReport(analysis.wallets);
    });
    es.addEventListener('error', (e) => {
      const data = /** @type {MessageEvent} */ (e).data;
      if (data) {
        // The server's own `error` event: the analysis failed (the stream then ends).
        es.close();
        statusLine.textContent = 'The analysis failed; the moments found so far are below.';
      } else if (es.readyState === EventSource.CONNECTING) {
        statusLine.textContent = 'Connection lost; reconnecting (nothing is missed)…';
      } else if (es.readyState === EventSource.CLOSED) {
        statusLine.textContent = 'The live stream was refused; check the access token.';
      }
    });
  }

  /** @param {{ status: string, progress: { totalWallets: number, completedWallets: number, failedWallets: number, wallets: Record<string, { stage: string, transactions: number, moments: number, error?: string }> } }} p */
  function renderProgress(p) {
    const { totalWallets, completedWallets, failedWallets, wallets } = p.progress;
    const entries = Object.entries(wallets);
    const transactions = entries.reduce((n, [, w]) => n + (w.transactions || 0), 0);
    progressBar.max = Math.max(1, totalWallets);
    progressBar.value = completedWallets + failedWallets;
    statusLine.textContent = `${completedWallets + failedWallets}/${totalWallets} wallets · ${transactions} transactions · ${moments.size} moments`;
    walletList.replaceChildren(...entries.map(([wallet, w]) => {
      const li = document.createElement('li');
      li.dataset.stage = w.stage;
      const label = STAGES[/** @type {keyof typeof STAGES} */ (w.stage)] ?? w.stage;
      li.textContent = `${shortAddress(wallet)} — ${label} · ${w.transactions} transactions · ${w.moments} moments${w.error ? ` (${w.error})` : ''}`;
      li.title = wallet;
      return li;
    }));
  }

  function renderCount() {
    momentCount.textContent = moments.size ? `(${moments.size})` : '';
    momentsEmpty.hidden = moments.size > 0;
  }

  /** A moment arrives once per change (created, updated, finalised): one list item per moment, kept current. @param {any} m */
  function upsertMoment(m) {
    moments.set(m.id, m);
    renderCount();
    const existing = momentList.querySelector(`[data-moment-id="${m.id}"]`);
    const item = renderMoment(m);
    if (existing) existing.replaceWith(item);
    else momentList.append(item);
  }

  /** @param {any} m */
  function cardUrl(m) {
    // The API names the card's version in cardUrl: a moment that changes comes with a new URL, never a stale card.
    return m.cardUrl ?? `/v1/cards/moment/${m.id}.png`;
  }

  /** @param {any} m */
  function describe(m) {
    return `${KINDS[/** @type {keyof typeof KINDS} */ (m.kind)] ?? m.kind}: ${tokenLabel(m)} on ${day(m.at)}, missed ${money(m.missedUsd)}`;
  }

  /** @param {any} m */
  function renderMoment(m) {
    const li = document.createElement('li');
    li.className = `moment kind-${m.kind}`;
    li.dataset.momentId = m.id;
    li.dataset.kind = m.kind;

    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'card-open';
    open.setAttribute('aria-label', `Open the card full size — ${describe(m)}`);
    const img = document.createElement('img');
    img.src = cardUrl(m);
    img.alt = '';
    img.width = 600;
    img.height = 315;
    img.loading = 'lazy';
    open.append(img);
    open.addEventListener('click', () => openCard(m, open));

    const facts = document.createElement('p');
    facts.className = 'facts';
    const kind = document.createElement('strong');
    kind.textContent = m.kind;
    const e = m.explain ?? {};
    const extreme = e.peakPrice ?? e.troughPrice;
    const parts = [
      tokenLabel(m),
      day(m.at),
      e.tradePrice ? `traded at ${price(e.tradePrice)}` : null,
      extreme ? `${e.peakPrice ? 'peak' : 'trough'} ${price(extreme)}` : null,
      `missed ${money(m.missedUsd)}`,
      `severity ${Math.round(Number(m.severity) * 100)}%`,
      m.status,
    ].filter(Boolean);
    // The token's logo (stored and resized by the registry, or its identicon), served by the API itself.
    const logo = document.createElement('img');
    logo.className = 'token-logo';
    logo.src = m.token?.logoUrl ?? `/v1/tokens/${encodeURIComponent(m.mint)}/logo.png`;
    logo.alt = '';
    logo.width = 20;
    logo.height = 20;
    facts.append(logo, kind, ` ${parts.join(' · ')}`);
    li.append(open, facts, renderShare(m));
    return li;
  }

  /** The moment's share page: it unfurls as the card on X, Farcaster, Discord, Telegram. @param {any} m */
  const shareUrl = (m) => `${location.origin}/m/${m.id}`;

  /** Copy link, X and Warpcast intents; a native <details> so it opens with the keyboard. @param {any} m */
  function renderShare(m) {
    const details = document.createElement('details');
    details.className = 'share-menu';
    const summary = document.createElement('summary');
    summary.textContent = 'Share';
    summary.setAttribute('aria-label', `Share — ${describe(m)}`);
    const url = shareUrl(m);
    const text = `${describe(m)} — found by OOF`;
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'share-copy';
    copy.textContent = 'Copy link';
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(url).then(
        () => { shareStatus.textContent = `Link copied: ${url}`; },
        () => { shareStatus.textContent = `Copy this link: ${url}`; },
      );
    });
    const x = new URL('https://x.com/intent/post');
    x.searchParams.set('text', text);
    x.searchParams.set('url', url);
    const warpcast = new URL('https://farcaster.xyz/~/compose');
    warpcast.searchParams.set('text', text);
    warpcast.searchParams.append('embeds[]', url);
    const items = [copy, link(x.toString(), 'Post on X', 'share-x'), link(warpcast.toString(), 'Cast on Warpcast', 'share-warpcast'), link(url, 'Open the share page', 'share-page')];
    // Not a list: the moments list's items are the moments themselves.
    const actions = document.createElement('div');
    actions.className = 'share-actions';
    actions.append(...items);
    details.append(summary, actions);
    return details;
  }

  /** @param {string} href @param {string} label @param {string} className */
  function link(href, label, className) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = label;
    a.className = className;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }

  /** @param {any} m @param {HTMLElement} opener */
  function openCard(m, opener) {
    dialogOpener = opener;
    dialogTitle.textContent = describe(m);
    dialogImage.src = cardUrl(m);
    dialogImage.alt = `The ${m.kind} card: ${describe(m)}`;
    dialogLink.href = cardUrl(m);
    dialog.showModal();
    el('card-close').focus();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void startAnalysis();
  });

  /** @param {string} id */
  const value = (id) => /** @type {HTMLInputElement} */ (el(id)).value.trim();

  /** The form as the API's body: only the fields of the chosen kind. */
  function destinationBody() {
    const kind = destKind.value;
    const statuses = value('dest-statuses');
    const kinds = [...destForm.querySelectorAll('input[name="kinds"]:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value);
    /** @type {Record<string, unknown>} */
    const body = {
      kind,
      wallets: parseWallets(value('dest-wallets')),
      minSeverity: value('dest-min-severity') || '0',
      statuses: statuses === 'both' ? ['provisional', 'final'] : [statuses],
    };
    if (kinds.length < 4) body.kinds = kinds;
    if (kind === 'telegram') Object.assign(body, { botToken: value('dest-bot-token'), chatId: value('dest-chat-id') });
    else body.url = value('dest-url');
    return body;
  }

  async function addDestination() {
    destError.textContent = '';
    destSecret.replaceChildren();
    const body = destinationBody();
    if (/** @type {string[]} */ (body.wallets).length === 0) {
      destError.textContent = 'Name at least one wallet.';
      return;
    }
    try {
      const res = await fetch('/v1/alerts/destinations', { method: 'POST', headers: { 'Content-Type': 'application/json', ...credentials().header }, body: JSON.stringify(body) });
      if (res.status !== 201) {
        destError.textContent = await problemText(res);
        return;
      }
      const created = await res.json();
      if (created.signingSecret) {
        // Shown once: the server keeps it sealed and never returns it again.
        const code = document.createElement('code');
        code.textContent = created.signingSecret;
        destSecret.append('Signing secret (shown once; verify OOF-Signature with it): ', code);
      }
      destForm.reset();
      toggleKindFields();
      await loadDestinations();
    } catch (err) {
      destError.textContent = `Could not reach the server (${err instanceof Error ? err.message : String(err)}).`;
    }
  }

  async function loadDestinations() {
    const res = await fetch('/v1/alerts/destinations', { headers: credentials().header });
    if (res.status !== 200) return;
    const { destinations } = await res.json();
    destList.replaceChildren(...destinations.map((/** @type {any} */ d) => {
      const li = document.createElement('li');
      li.dataset.state = d.status.state;
      li.dataset.destinationId = d.id;
      const text = document.createElement('span');
      text.textContent = `${d.target} · ${d.filters.wallets.length} wallet${d.filters.wallets.length === 1 ? '' : 's'} · ${d.status.state}${d.status.reason ? ` (${d.status.reason})` : ''}`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'Delete';
      remove.setAttribute('aria-label', `Delete ${d.target}`);
      remove.addEventListener('click', () => {
        void fetch(`/v1/alerts/destinations/${d.id}`, { method: 'DELETE', headers: credentials().header }).then(() => loadDestinations());
      });
      li.append(text, remove);
      return li;
    }));
  }

  function toggleKindFields() {
    const telegram = destKind.value === 'telegram';
    el('dest-url-field').hidden = telegram;
    el('dest-telegram-fields').hidden = !telegram;
  }

  destKind.addEventListener('change', toggleKindFields);
  destForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void addDestination();
  });
  void loadDestinations();
  walletsInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  el('card-close').addEventListener('click', () => dialog.close());
  // A click on the backdrop (outside the dialog's box) closes it too; Escape is handled by <dialog> itself.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    dialogImage.removeAttribute('src');
    dialogOpener?.focus();
  });
  walletsInput.focus();
})();
