import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { requiresRoot } from '../helpers/requires.js';
import { cliPath, importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a tmux pane until `re` shows up (a real terminal, like a user's). */
async function waitForPane(session: string, re: RegExp, ms = 10_000): Promise<string> {
  let screen = '';
  for (let waited = 0; waited < ms; waited += 100) {
    screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    if (re.test(screen)) return screen;
    await sleep(100);
  }
  return screen;
}

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);

  t.test('-i passes stdin; without -i stdin is closed', async (t) => {
    t.equal(tsrun(root, ['run', '--rm', '-i', 'busybox', 'tr', 'a-z', 'A-Z'], { input: 'hello\n' }).stdout, 'HELLO\n');
    t.equal(tsrun(root, ['run', '--rm', 'busybox', 'cat'], { input: 'ignored\n' }).stdout, '');
  });

  t.test('-it works through a real terminal: tty, window size, resize, exit code', async (t) => {
    const session = `tsrun-tty-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
    t.teardown(() => { tmux('kill-session', '-t', session); });
    const r = tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30',
      `TSRUN_ROOT=${root} ${process.execPath} ${cliPath} run --rm -it busybox sh; echo EXITED=$?; sleep 30`);
    t.equal(r.status, 0, r.stderr);
    await waitForPane(session, /# $/m);
    tmux('send-keys', '-t', session, 'test -t 0 && echo IS-A-TTY; stty size; echo TERM=$TERM', 'Enter');
    const first = await waitForPane(session, /TERM=xterm/);
    t.match(first, /IS-A-TTY/);
    t.match(first, /^30 100$/m, 'the window size is passed on');
    tmux('resize-window', '-t', session, '-x', '120', '-y', '40');
    await sleep(300);
    tmux('send-keys', '-t', session, 'stty size', 'Enter');
    t.match(await waitForPane(session, /^40 120$/m), /^40 120$/m, 'a resize is passed on');
    tmux('send-keys', '-t', session, 'exit 5', 'Enter');
    t.match(await waitForPane(session, /EXITED=\d+/), /EXITED=5/);
  });

  t.test('exec -it gets a pty from the container\'s devpts: tty names it, the window size is passed on', async (t) => {
    const id = tsrun(root, ['run', '-d', 'busybox', 'sleep', '120']).stdout.trim();
    t.teardown(() => { tsrun(root, ['rm', '-f', id]); });
    const session = `tsrun-exec-tty-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
    t.teardown(() => { tmux('kill-session', '-t', session); });
    const r = tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30',
      `TSRUN_ROOT=${root} ${process.execPath} ${cliPath} exec -it ${id} sh; echo EXITED=$?; sleep 30`);
    t.equal(r.status, 0, r.stderr);
    await waitForPane(session, /# $/m);
    tmux('send-keys', '-t', session, 'echo TTY=$(tty); stty size; ls /dev/pts', 'Enter');
    const screen = await waitForPane(session, /TTY=.*\n(.*\n)*.*ptmx/);
    t.match(screen, /TTY=\/dev\/pts\/\d+/, 'tty finds its terminal (it said "not a tty" with a host pty)');
    t.match(screen, /^30 100$/m, 'the window size is passed on');
    tmux('send-keys', '-t', session, 'exit 4', 'Enter');
    t.match(await waitForPane(session, /EXITED=\d+/), /EXITED=4/);
  });
}
