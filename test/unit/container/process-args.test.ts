import t from 'tap';
import { commandLine, mergeEnv, parseEnvFile, resolveEnvFlags, workingDir, DEFAULT_PATH } from '../../../src/container/process-args.js';

t.test("Docker's ENTRYPOINT/CMD table", async (t) => {
  // Rows from Docker's "Understand how CMD and ENTRYPOINT interact" table, plus run arguments.
  const rows: Array<[string, { Entrypoint?: string[]; Cmd?: string[] }, { entrypoint?: string; args: string[] }, string[] | 'error']> = [
    ['no entrypoint, no cmd', {}, { args: [] }, 'error'],
    ['cmd only', { Cmd: ['echo', 'hi'] }, { args: [] }, ['echo', 'hi']],
    ['entrypoint only', { Entrypoint: ['/bin/ep'] }, { args: [] }, ['/bin/ep']],
    ['entrypoint + cmd', { Entrypoint: ['/bin/ep', 'a'], Cmd: ['b'] }, { args: [] }, ['/bin/ep', 'a', 'b']],
    ['shell-form entrypoint ignores cmd by shape', { Entrypoint: ['/bin/sh', '-c', 'exec ep'], Cmd: ['x'] }, { args: [] }, ['/bin/sh', '-c', 'exec ep', 'x']],
    ['args replace cmd', { Entrypoint: ['/bin/ep'], Cmd: ['b'] }, { args: ['c', 'd'] }, ['/bin/ep', 'c', 'd']],
    ['args replace cmd without entrypoint', { Cmd: ['b'] }, { args: ['ls', '-l'] }, ['ls', '-l']],
    ['--entrypoint clears image cmd', { Entrypoint: ['/bin/ep'], Cmd: ['b'] }, { entrypoint: 'sh', args: [] }, ['sh']],
    ['--entrypoint with args', { Cmd: ['b'] }, { entrypoint: 'echo', args: ['x'] }, ['echo', 'x']],
    ['--entrypoint "" clears entrypoint', { Entrypoint: ['/bin/ep'], Cmd: ['b'] }, { entrypoint: '', args: ['ls'] }, ['ls']],
    ['--entrypoint "" and nothing else', { Entrypoint: ['/bin/ep'], Cmd: ['b'] }, { entrypoint: '', args: [] }, 'error'],
  ];
  for (const [name, config, opts, want] of rows) {
    if (want === 'error') t.throws(() => commandLine(config, opts), { message: 'no command specified' }, name);
    else t.same(commandLine(config, opts), want, name);
  }
});

t.test('environment: image env, defaults, then the user wins', async (t) => {
  t.same(mergeEnv([], [], {}), [DEFAULT_PATH]);
  t.same(mergeEnv(['PATH=/x', 'A=1'], ['A=2', 'B=3'], { HOME: '/root' }), ['PATH=/x', 'A=2', 'HOME=/root', 'B=3']);
  t.same(mergeEnv(['HOME=/home/app'], [], { HOME: '/root' }), [DEFAULT_PATH, 'HOME=/home/app'], 'the image HOME beats the default');
  t.same(resolveEnvFlags(['A=1', 'FROMHOST', 'UNSET'], { FROMHOST: 'yes' }), ['A=1', 'FROMHOST=yes']);
});

t.test('--env-file lines', async (t) => {
  t.same(parseEnvFile('# comment\n\nA=1\n  B=two words\nC\n', 'f.env', { C: 'c' }), ['A=1', 'B=two words', 'C=c']);
  t.throws(() => parseEnvFile('BAD KEY=1\n', 'f.env', {}), /f\.env:1: invalid variable name/);
});

t.test('working directory', async (t) => {
  t.equal(workingDir({}), '/');
  t.equal(workingDir({ WorkingDir: '/app' }), '/app');
  t.equal(workingDir({ WorkingDir: '/app' }, '/other'), '/other');
  t.throws(() => workingDir({}, 'relative'), /needs to be an absolute path/);
});
