import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Docker cannot run on the build machines (and hadolint is in neither npm nor Debian),
 * so the container files are parsed and their essentials checked here.
 */
const root = join(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(read('Dockerfile'));
  const instructions = dockerfile.getInstructions();
  const stages = dockerfile.getFROMs();
  const final = instructions.filter(
    (instruction) =>
      instruction.getRange().start.line > (stages.at(-1)?.getRange().start.line ?? 0),
  );
  const args = (keyword: string) =>
    final
      .filter((instruction) => instruction.getKeyword() === keyword)
      .map((instruction) => instruction.getArgumentsContent() ?? '');

  it('parses without a problem and builds in two stages from a pinned Node 20 slim image', () => {
    expect(instructions.length).toBeGreaterThan(10);
    expect(stages.map((from) => from.getImageName())).toEqual(['node', 'node']);
    expect(stages.map((from) => from.getImageTag())).toEqual([
      '20-bookworm-slim',
      '20-bookworm-slim',
    ]);
    expect(stages[0]?.getBuildStage()).toBe('build');
  });

  it('runs as an unprivileged user, without compilers, with a health check and a graceful stop', () => {
    expect(args('USER')).toEqual(['node']);
    expect(final.some((i) => /apt-get|g\+\+/.test(i.getArgumentsContent() ?? ''))).toBe(false);
    const copies = final.filter((i): i is Copy => i instanceof Copy);
    expect(copies.length).toBeGreaterThan(3);
    expect(copies.map((copy) => copy.getFromFlag()?.getValue())).toEqual(copies.map(() => 'build'));
    expect(args('HEALTHCHECK')[0]).toContain('/health');
    expect(args('STOPSIGNAL')).toEqual(['SIGTERM']);
    expect(args('ENTRYPOINT')).toEqual(['["node", "dist/src/cli.js"]']);
    expect(args('CMD')).toEqual(['["serve"]']);
    expect(args('VOLUME')).toEqual(['["/var/lib/dialstate"]']);
    // The state the volume holds is where dialstate keeps its database.
    expect(args('ENV')[0]).toContain('DIALSTATE_DATA_DIR=/var/lib/dialstate');
  });

  it('keeps the build context small: no node_modules, build output or databases', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data', '*.db']));
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const service = compose.services.dialstate ?? {};

  it('shares the host network (ARI on loopback, like AAVA) and the media folder', () => {
    expect(service.network_mode).toBe('host');
    expect(service.volumes).toEqual(
      expect.arrayContaining([
        'dialstate-data:/var/lib/dialstate',
        '/mnt/asterisk_media:/mnt/asterisk_media',
      ]),
    );
    expect(service.environment).toMatchObject({
      DIALSTATE_DATA_DIR: '/var/lib/dialstate',
      AAVA_MEDIA_DIR: '/mnt/asterisk_media/ai-generated',
    });
    expect(compose.volumes).toHaveProperty('dialstate-data');
  });

  it('restarts, reads the settings file and stops gracefully', () => {
    expect(service).toMatchObject({
      restart: 'unless-stopped',
      env_file: ['dialstate.env'],
      stop_signal: 'SIGTERM',
      stop_grace_period: '30s',
      build: { context: '..' },
    });
  });
});
