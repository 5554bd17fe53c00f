import { createRoute, z } from '@hono/zod-openapi';
import { renderAmdDialplan } from '../ari/amd-dialplan.js';
import { AMD_HOP_VERSION_LABEL } from '../ari/amd-hop.js';
import type { Clock } from '../calls/ports.js';
import type { CampaignTarget } from '../setup/ai-target-checks.js';
import {
  hasFailedCheck,
  runSetupChecks,
  type SetupCheck,
  type SetupProbe,
} from '../setup/setup-checks.js';
import { ApiError, errorResponse } from './api-error.js';
import { createRouter } from './api-router.js';

/** What the setup guide shows and checks: the deployment as this process runs it. */
export interface SetupGuideDeps {
  /** Our Stasis app (DIALSTATE_ARI_APP). */
  app: string;
  /** AAVA_OUTBOUND_AMD_CONTEXT. */
  amdContext: string;
  /** DIALSTATE_DIAL_CONTEXT. */
  dialContext: string;
  /** AAVA_OUTBOUND_EXTENSION_IDENTITY. */
  outboundIdentity: string;
  /** AAVA_MEDIA_DIR. */
  mediaDir: string;
  /** DIALSTATE_AAVA_HANDOFF_CONTEXT: the rendered context `aava` targets go through. */
  aavaHandoffContext: string;
  /** The hand-off targets of the campaigns that may dial, checked with the rest. */
  listTargets(): Promise<CampaignTarget[]>;
  /** True when the PBX is the embedded simulator. */
  simulated: boolean;
  /** `dialstate doctor`'s probe, against the PBX this process uses. */
  probe: SetupProbe;
  /**
   * Several PBXs: each one's name, app and probe. The checks then run against each, their
   * titles starting with the PBX's name, and `pbxs` says which PBX passed.
   */
  pbxs?: readonly { name: string; app: string; probe: SetupProbe }[];
  /** Longest the checks may take together (ms); each ARI request has its own limit too. */
  checksTimeoutMs: number;
}

const TAG = ['Setup'];
const namesSchema = z.object({
  app: z.string(),
  amdContext: z.string(),
  dialContext: z.string(),
  outboundIdentity: z.string(),
  mediaDir: z.string(),
  aavaHandoffContext: z.string(),
});
const dialplanSchema = z
  .object({
    fileName: z.string().openapi({ example: 'extensions_dialstate.conf' }),
    text: z.string().openapi({ description: 'The dialplan, ready to copy.' }),
    names: namesSchema.openapi({ description: 'The configured names it was rendered with.' }),
    simulated: z.boolean(),
  })
  .openapi('SetupDialplan');
const checkSchema = z.object({
  id: z.string().openapi({ example: 'amd-context' }),
  title: z.string(),
  ok: z.union([z.boolean(), z.literal('warn')]),
  detail: z.string(),
  fix: z.string().nullable(),
});
const checksSchema = z
  .object({
    ok: z.boolean().openapi({ description: 'No check failed (warnings allowed).' }),
    simulated: z.boolean().openapi({
      description: 'The checks ran against the embedded simulator: no real Asterisk is used.',
    }),
    checks: z.array(checkSchema),
    durationMs: z.number().int(),
    pbxs: z
      .array(z.object({ name: z.string(), ok: z.boolean() }))
      .optional()
      .openapi({
        description:
          'With several PBXs: whether each passed (no check failed). Its checks are those whose id starts with its name and a colon.',
      }),
  })
  .openapi('SetupChecks');

const routes = {
  dialplan: createRoute({
    method: 'get',
    path: '/dialplan',
    tags: TAG,
    summary: 'The AMD dialplan context, rendered with the configured names',
    responses: {
      200: {
        description: 'The dialplan',
        content: { 'application/json': { schema: dialplanSchema } },
      },
      500: errorResponse('A configured name cannot be used in the dialplan'),
    },
  }),
  checks: createRoute({
    method: 'get',
    path: '/checks',
    tags: TAG,
    summary: "`dialstate doctor`'s checks of the PBX in use: ARI, app_amd, contexts, media folder",
    responses: {
      200: {
        description: 'Every check',
        content: { 'application/json': { schema: checksSchema } },
      },
      503: errorResponse('The checks did not finish in time'),
    },
  }),
};

/** `/api/setup`: the setup guide's dialplan and the deployment checks. */
/** What the setup guide shows and runs. */
export interface SetupRoutesDeps {
  setup: SetupGuideDeps;
  clock: Clock;
}

export function setupRoutes(deps: SetupRoutesDeps) {
  const { setup, clock } = deps;
  const names = {
    app: setup.app,
    amdContext: setup.amdContext,
    dialContext: setup.dialContext,
    outboundIdentity: setup.outboundIdentity,
    mediaDir: setup.mediaDir,
    aavaHandoffContext: setup.aavaHandoffContext,
  };
  /** The checks of one PBX, named after it when there are several. */
  interface PbxChecks {
    name: string | null;
    checks: SetupCheck[];
  }
  // Clients asking at once share one run: each run opens a temporary app in Asterisk.
  let running: Promise<PbxChecks[]> | null = null;

  function checksWithin(ms: number): Promise<PbxChecks[]> {
    const pbxs = setup.pbxs ?? [{ name: null, app: setup.app, probe: setup.probe }];
    running ??= setup
      .listTargets()
      .then((targets) =>
        Promise.all(
          pbxs.map(async ({ name, app, probe }) => ({
            name,
            checks: await runSetupChecks(probe, {
              app,
              amdContext: setup.amdContext,
              dialContext: setup.dialContext,
              mediaDir: setup.mediaDir,
              hopVersionLabel: AMD_HOP_VERSION_LABEL,
              // This process holds the app: a disconnected one is a failure, not a warning.
              expectAppConnected: true,
              targets,
            }),
          })),
        ),
      )
      .finally(() => {
        running = null;
      });
    const run = running;
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        reject(new ApiError('unavailable', `the checks did not finish within ${ms} ms`));
      }, ms);
      run.then(resolve, reject).finally(() => clock.clearTimeout(timer));
    });
  }

  return createRouter()
    .openapi(routes.dialplan, (c) => {
      let text: string;
      try {
        text = renderAmdDialplan({
          amdContext: setup.amdContext,
          defaultApp: setup.app,
          aavaHandoffContext: setup.aavaHandoffContext,
        });
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError('internal', error.message);
        throw error;
      }
      return c.json(
        { fileName: 'extensions_dialstate.conf', text, names, simulated: setup.simulated },
        200,
      );
    })
    .openapi(routes.checks, async (c) => {
      const started = clock.now();
      const perPbx = await checksWithin(setup.checksTimeoutMs);
      const failed = perPbx.some((each) => hasFailedCheck(each.checks));
      const checks = perPbx.flatMap(({ name, checks }) =>
        name === null
          ? checks
          : checks.map((check) => ({
              ...check,
              id: `${name}:${check.id}`,
              title: `${name}: ${check.title}`,
            })),
      );
      return c.json(
        {
          ok: !failed,
          simulated: setup.simulated,
          checks,
          durationMs: Math.max(0, clock.now() - started),
          ...(setup.pbxs === undefined
            ? {}
            : {
                pbxs: perPbx.map(({ name, checks }) => ({
                  name: name ?? '',
                  ok: !hasFailedCheck(checks),
                })),
              }),
        },
        200,
      );
    });
}
