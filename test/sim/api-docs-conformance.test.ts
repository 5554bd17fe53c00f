import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARI_RESOURCE_NAMES,
  ariApiDeclaration,
  ariResourceListing,
} from '../../src/sim/api-docs/ari-api-docs.js';
import type { SwaggerParameter } from '../../src/sim/api-docs/swagger.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { type AriRest, ariRest } from './support/ari-recorder.js';
import { loadRealApiDoc, type RealModel } from './support/real-ari.js';

type RealParameter = Pick<
  SwaggerParameter,
  'name' | 'paramType' | 'dataType' | 'required' | 'allowMultiple'
>;
type RealOperation = {
  httpMethod: string;
  nickname: string;
  responseClass: string;
  parameters?: RealParameter[];
};

const paramShape = (p: RealParameter) => ({
  name: p.name,
  paramType: p.paramType,
  dataType: p.dataType,
  required: p.required,
  allowMultiple: p.allowMultiple,
});

describe('the simulator api-docs', () => {
  it('lists only resources the real Asterisk lists', () => {
    const real = loadRealApiDoc('resources').apis.map((api) => api.path);
    for (const api of ariResourceListing('http://x/ari').apis) expect(real).toContain(api.path);
  });

  for (const name of ARI_RESOURCE_NAMES) {
    it(`declares ${name} operations exactly as the real ${name}.json does`, () => {
      const ours = ariApiDeclaration(name, 'http://x/ari');
      const real = loadRealApiDoc(name);
      expect(ours?.resourcePath).toBe(real.resourcePath);
      for (const api of ours?.apis ?? []) {
        const realApi = real.apis.find((candidate) => candidate.path === api.path);
        expect(realApi, `${api.path} exists in the real ${name}.json`).toBeDefined();
        for (const operation of api.operations) {
          const where = `${operation.httpMethod} ${api.path}`;
          const realOperation = (realApi?.operations as RealOperation[] | undefined)?.find(
            (candidate) => candidate.httpMethod === operation.httpMethod,
          );
          expect(realOperation, `${where} exists`).toBeDefined();
          expect({
            where,
            nickname: operation.nickname,
            responseClass: operation.responseClass,
          }).toEqual({
            where,
            nickname: realOperation?.nickname,
            responseClass: realOperation?.responseClass,
          });
          const realParams = realOperation?.parameters ?? [];
          for (const parameter of operation.parameters ?? []) {
            const realParam = realParams.find((candidate) => candidate.name === parameter.name);
            expect({ where, ...paramShape(parameter) }).toEqual({
              where,
              ...(realParam ? paramShape(realParam) : {}),
            });
          }
          const declared = new Set((operation.parameters ?? []).map((p) => p.name));
          const missingRequired = realParams
            .filter((p) => p.required && !declared.has(p.name))
            .map((p) => p.name);
          expect({ where, missingRequired }).toEqual({ where, missingRequired: [] });
        }
      }
    });

    it(`declares ${name} models compatible with the real ones`, () => {
      const realModels: Record<string, RealModel> = {};
      for (const resource of ARI_RESOURCE_NAMES)
        Object.assign(realModels, loadRealApiDoc(resource).models);
      for (const [modelName, model] of Object.entries(
        ariApiDeclaration(name, 'http://x/ari')?.models ?? {},
      )) {
        const real = realModels[modelName];
        expect(real, `model ${modelName} exists`).toBeDefined();
        for (const [property, definition] of Object.entries(model.properties)) {
          const realProperty = real?.properties[property];
          expect({
            modelName,
            property,
            type: definition.type,
            required: Boolean(definition.required),
          }).toEqual({
            modelName,
            property,
            type: realProperty?.type,
            required: Boolean(realProperty?.required),
          });
        }
        const missing = Object.entries(real?.properties ?? {})
          .filter(
            ([property, definition]) => definition.required && !(property in model.properties),
          )
          .map(([property]) => property);
        expect({ modelName, missing }).toEqual({ modelName, missing: [] });
      }
    });
  }
});

describe('the simulator serving its api-docs', () => {
  let sim: Simulator;
  let url: string;
  let rest: AriRest;

  beforeAll(async () => {
    sim = createSimulator({ user: 'dialstate', password: 'secret' });
    ({ url } = await sim.start());
    rest = ariRest(url);
  });

  afterAll(() => sim.stop());

  it('rewrites basePath to the host that was asked, as a live Asterisk does', async () => {
    const listing = await rest.get('/api-docs/resources.json');
    expect(listing.status).toBe(200);
    expect(listing.contentType).toBe('application/json');
    expect(listing.body).toEqual(ariResourceListing(`${url}/ari`));
    for (const name of ARI_RESOURCE_NAMES) {
      const declaration = await rest.get(`/api-docs/${name}.json`);
      expect(declaration.body).toEqual(ariApiDeclaration(name, `${url}/ari`));
    }
  });

  it('answers 404 for a resource it does not serve', async () => {
    const bridges = await rest.get('/api-docs/bridges.json');
    expect(bridges.status).toBe(404);
  });
});
