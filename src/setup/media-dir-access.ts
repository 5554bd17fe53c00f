import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { MediaDirAccess } from './setup-checks.js';

/**
 * Checks what this process may do with the media folder: dialstate writes converted
 * recordings into it, and Asterisk reads them from the same path. Whether Asterisk's own
 * user can read it is only estimated from the permission bits (see `ownerOnly`).
 */
export async function checkMediaDirAccess(dir: string): Promise<MediaDirAccess> {
  let mode: number;
  try {
    const stats = await stat(dir);
    if (!stats.isDirectory()) {
      return { ok: false, reason: 'notDirectory', message: `${dir} exists but is not a folder` };
    }
    mode = stats.mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return { ok: false, reason: 'missing', message: `${dir} does not exist` };
    }
    return { ok: false, reason: 'notReadable', message: `cannot inspect ${dir}: ${code ?? error}` };
  }
  if (!(await allows(dir, constants.R_OK | constants.X_OK))) {
    return { ok: false, reason: 'notReadable', message: `this process cannot read ${dir}` };
  }
  if (!(await allows(dir, constants.W_OK))) {
    return { ok: false, reason: 'notWritable', message: `this process cannot write to ${dir}` };
  }
  // Playing a file needs search (x) permission on its folder. Without it for group and
  // others, an asterisk user other than the owner cannot reach any recording.
  const ownerOnly = (mode & 0o011) === 0;
  return { ok: true, ownerOnly };
}

async function allows(dir: string, mode: number): Promise<boolean> {
  try {
    await access(dir, mode);
    return true;
  } catch {
    return false;
  }
}
