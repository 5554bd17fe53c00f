import {
  Route,
  Router,
  type RouteSectionProps,
  useCurrentMatches,
  useLocation,
  useParams,
} from '@solidjs/router';
import { createEffect, type JSX, on, onMount, Show } from 'solid-js';
import { tokenNeeded } from './api/auth-state.js';
import { type LiveConnection, liveConnection, subscribeLive } from './api/live-events.js';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { Link } from './components/link.js';
import { NoticeArea } from './components/notice-area.js';
import { TokenPrompt } from './components/token-prompt.js';
import { CampaignEditorPage } from './pages/campaign-editor-page.js';
import { CampaignPage } from './pages/campaign-page.js';
import { CampaignsPage } from './pages/campaigns-page.js';
import { DncPage } from './pages/dnc-page.js';
import { LeadPage } from './pages/lead-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { RecordingsPage } from './pages/recordings-page.js';
import { SetupPage } from './pages/setup-page.js';
import { loadSystemHealth, systemHealth } from './state/system-health.js';

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

/**
 * A page of the route's parameters (decoded: the router hands them over as in the URL),
 * made anew when they change, so another campaign's page starts from scratch instead of
 * keeping the last one's state.
 */
function withParams<K extends string>(
  keys: readonly K[],
  page: (params: Record<K, string>) => JSX.Element,
) {
  return () => {
    const params = useParams<Record<K, string>>();
    return (
      <Show when={keys.map((k) => params[k]).join('/')} keyed>
        {(_key) =>
          page(
            Object.fromEntries(keys.map((k) => [k, decodeURIComponent(params[k] ?? '')])) as Record<
              K,
              string
            >,
          )
        }
      </Show>
    );
  };
}

/** The pages, each with the main navigation's entry it belongs under. */
export function App() {
  const campaigns = { nav: '/' };
  return (
    <Router root={Shell}>
      <Route path="/" component={CampaignsPage} info={campaigns} />
      <Route path="/campaigns/new" component={() => <CampaignEditorPage />} info={campaigns} />
      <Route
        path="/campaigns/:id"
        component={withParams(['id'], (p) => <CampaignPage id={p.id} />)}
        info={campaigns}
      />
      <Route
        path="/campaigns/:campaignId/leads/:leadId"
        component={withParams(['campaignId', 'leadId'], (p) => (
          <LeadPage campaignId={p.campaignId} leadId={p.leadId} />
        ))}
        info={campaigns}
      />
      <Route
        path="/campaigns/:id/edit"
        component={withParams(['id'], (p) => <CampaignEditorPage id={p.id} />)}
        info={campaigns}
      />
      <Route path="/recordings" component={RecordingsPage} info={{ nav: '/recordings' }} />
      <Route path="/dnc" component={DncPage} info={{ nav: '/dnc' }} />
      <Route path="/setup" component={SetupPage} info={{ nav: '/setup' }} />
      <Route path="*" component={NotFoundPage} />
    </Router>
  );
}

/** The shell: navigation, the simulator banner, the live-feed indicator and the page. */
function Shell(props: RouteSectionProps) {
  onMount(() => {
    void loadSystemHealth();
    subscribeLive({ reload: () => void loadSystemHealth() });
  });
  const matches = useCurrentMatches();
  const nav = () => matches().at(-1)?.route.info?.nav as string | undefined;

  // After navigating, focus goes to the new page's heading so screen readers announce it.
  const location = useLocation();
  createEffect(
    on(
      () => location.pathname,
      () => queueMicrotask(() => document.getElementById('page-title')?.focus()),
      { defer: true },
    ),
  );

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
                <Link href={item.href} aria-current={nav() === item.href ? 'page' : undefined}>
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
        {props.children}
      </main>
      <NoticeArea />
      <ConfirmDialog />
    </>
  );
}
