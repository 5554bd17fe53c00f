import { createEffect, type JSX, onMount, Show } from 'solid-js';
import { tokenNeeded } from './auth-state.js';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { Link } from './components/link.js';
import { NoticeArea } from './components/notice-area.js';
import { TokenPrompt } from './components/token-prompt.js';
import { type LiveConnection, liveConnection, subscribeLive } from './live-events.js';
import { CampaignEditorPage } from './pages/campaign-editor-page.js';
import { CampaignPage } from './pages/campaign-page.js';
import { CampaignsPage } from './pages/campaigns-page.js';
import { DncPage } from './pages/dnc-page.js';
import { LeadPage } from './pages/lead-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { RecordingsPage } from './pages/recordings-page.js';
import { SetupPage } from './pages/setup-page.js';
import { currentPath, matchPath } from './router.js';
import { loadSystemHealth, systemHealth } from './system-health.js';

interface Route {
  pattern: string;
  nav?: string;
  render(params: Record<string, string>): JSX.Element;
}

const ROUTES: Route[] = [
  { pattern: '/', nav: '/', render: () => <CampaignsPage /> },
  { pattern: '/campaigns/new', nav: '/', render: () => <CampaignEditorPage /> },
  {
    pattern: '/campaigns/:id',
    nav: '/',
    render: (p) => <CampaignPage id={p.id ?? ''} />,
  },
  {
    pattern: '/campaigns/:campaignId/leads/:leadId',
    nav: '/',
    render: (p) => <LeadPage campaignId={p.campaignId ?? ''} leadId={p.leadId ?? ''} />,
  },
  {
    pattern: '/campaigns/:id/edit',
    nav: '/',
    render: (p) => <CampaignEditorPage id={p.id} />,
  },
  { pattern: '/recordings', nav: '/recordings', render: () => <RecordingsPage /> },
  { pattern: '/dnc', nav: '/dnc', render: () => <DncPage /> },
  { pattern: '/setup', nav: '/setup', render: () => <SetupPage /> },
];

const CONNECTION_LABELS: Record<LiveConnection, string> = {
  open: 'live',
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  unauthorized: 'token needed',
};

const NAV = [
  { href: '/', label: 'Campaigns' },
  { href: '/recordings', label: 'Recordings' },
  { href: '/dnc', label: 'Do-not-call' },
  { href: '/setup', label: 'Setup' },
];

function matchRoute(path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params !== null) return { route, params };
  }
  return null;
}

/** The shell: navigation, the simulator banner, the live-feed indicator and the page. */
export function App() {
  onMount(() => {
    void loadSystemHealth();
    subscribeLive({ reload: () => void loadSystemHealth() });
  });
  const match = () => matchRoute(currentPath());

  // After navigating, focus goes to the new page's heading so screen readers announce it.
  let first = true;
  createEffect(() => {
    currentPath();
    if (first) {
      first = false;
      return;
    }
    queueMicrotask(() => document.getElementById('page-title')?.focus());
  });

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Show when={systemHealth()?.simulated}>
        <div class="sim-banner" role="note" data-sim-banner>
          Simulated PBX: dialstate is talking to its embedded simulator. No real calls are placed.
          Set DIALSTATE_ARI_URL to use a real Asterisk.
        </div>
      </Show>
      <header class="top">
        <Link href="/" class="brand">
          dialstate
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li>
                <Link
                  href={item.href}
                  aria-current={match()?.route.nav === item.href ? 'page' : undefined}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span class={`live-indicator live-${liveConnection()}`} role="status">
          {CONNECTION_LABELS[liveConnection()]}
        </span>
      </header>
      <main id="main">
        <Show when={tokenNeeded()}>
          <TokenPrompt />
        </Show>
        <Show when={match()} keyed fallback={<NotFoundPage />}>
          {(m) => m.route.render(m.params)}
        </Show>
      </main>
      <NoticeArea />
      <ConfirmDialog />
    </>
  );
}
