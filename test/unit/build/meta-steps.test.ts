import t from 'tap';
import { BuildArgs } from '../../../src/build/args.js';
import { createExpander } from '../../../src/build/expander.js';
import { parseInstruction, type Command } from '../../../src/build/instructions.js';
import { applyMeta, isMetaCommand, normalizeWorkdir, type MetaResult } from '../../../src/build/meta-steps.js';
import { parseRunMount } from '../../../src/build/mount-spec.js';
import { parseDockerfile } from '../../../src/build/parser.js';
import { checkStopSignal, exposedPorts } from '../../../src/build/ports.js';
import { runArgv } from '../../../src/build/step-run.js';
import type { ContainerConfig } from '../../../src/oci/image.js';

const command = (line: string): Command => parseInstruction(parseDockerfile(line).instructions[0]) as Command;

function apply(line: string, config: ContainerConfig = {}, opts: { cmdSet?: boolean; given?: Record<string, string> } = {}): MetaResult & { notes: string[]; used: Record<string, string> } {
  const args = new BuildArgs(new Map(Object.entries(opts.given ?? {})), new Map()).newStage();
  args.declare('V', 'from-arg');
  const expand = createExpander(config.Env ?? [], args, '\\');
  const notes: string[] = [];
  const cmd = command(line);
  if (!isMetaCommand(cmd)) throw new Error(`${line} is not a metadata instruction`);
  const r = applyMeta(cmd, { config, expand, args, cmdSet: opts.cmdSet ?? false, note: (n) => notes.push(n) });
  return { ...r, notes, used: expand.usedArgs() };
}

t.test('ENV sees the environment before the instruction and replaces in place', async (t) => {
  const r = apply('ENV A=1 B=$A C=$V PATH=/x:$PATH', { Env: ['PATH=/bin', 'A=0'] });
  t.same(r.config.Env, ['PATH=/x:/bin', 'A=1', 'B=0', 'C=from-arg']);
  t.equal(r.createdBy, '/bin/sh -c #(nop)  ENV A=1 B=0 C=from-arg PATH=/x:/bin');
  t.same(r.used, { V: 'from-arg' }, 'the build args read go to the cache key');
});

t.test('LABEL, USER, STOPSIGNAL, VOLUME, EXPOSE', async (t) => {
  t.same(apply('LABEL a=1 "b c"="d e"', { Labels: { z: '0' } }).config.Labels, { z: '0', a: '1', 'b c': 'd e' });
  t.equal(apply('USER $V').config.User, 'from-arg');
  t.equal(apply('STOPSIGNAL SIGQUIT').createdBy, '/bin/sh -c #(nop)  STOPSIGNAL SIGQUIT');
  t.throws(() => apply('STOPSIGNAL SIGNOPE'), /Invalid signal: SIGNOPE/);
  const v = apply('VOLUME ["/data", "/logs"]');
  t.same(v.config.Volumes, { '/data': {}, '/logs': {} });
  t.equal(v.createdBy, '/bin/sh -c #(nop)  VOLUME [/data /logs]');
  const e = apply('EXPOSE 80 53/udp 8000-8001');
  t.same(Object.keys(e.config.ExposedPorts ?? {}), ['53/udp', '80/tcp', '8000/tcp', '8001/tcp']);
  t.equal(e.createdBy, '/bin/sh -c #(nop)  EXPOSE 53/udp 80 8000-8001', 'as written, sorted by the parser');
});

t.test('CMD and ENTRYPOINT through SHELL; ENTRYPOINT drops an inherited CMD', async (t) => {
  const c = apply('CMD echo hi', { Shell: ['/bin/bash', '-c'] });
  t.same(c.config.Cmd, ['/bin/bash', '-c', 'echo hi']);
  t.equal(c.cmdSet, true);
  t.equal(c.createdBy, '/bin/bash -c #(nop)  CMD ["/bin/bash" "-c" "echo hi"]');
  t.equal(apply('ENTRYPOINT ["/init"]', { Cmd: ['sh'] }).config.Cmd, null);
  t.same(apply('ENTRYPOINT ["/init"]', { Cmd: ['sh'] }, { cmdSet: true }).config.Cmd, ['sh']);
});

t.test('ARG declares in the stage and shows its default, not the override', async (t) => {
  const r = apply('ARG X=1 Y', {}, { given: { X: '9' } });
  t.equal(r.createdBy, '/bin/sh -c #(nop)  ARG X=1 Y');
});

t.test('HEALTHCHECK and ONBUILD are stored in the config', async (t) => {
  const h = apply('HEALTHCHECK --interval=30s --retries=2 CMD curl -f http://localhost/', { Healthcheck: { Test: ['CMD', 'old'] } });
  t.same(h.config.Healthcheck, { Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 30e9, Retries: 2 });
  t.same(h.notes, ['Note: overriding previous HEALTHCHECK: [CMD old]']);
  t.same(apply('ONBUILD RUN make', { OnBuild: ['COPY . /'] }).config.OnBuild, ['COPY . /', 'RUN make']);
});

t.test('the input config is never changed', async (t) => {
  const config: ContainerConfig = { Env: ['A=1'], Labels: { a: '1' } };
  apply('ENV A=2', config);
  apply('LABEL a=2', config);
  t.same(config, { Env: ['A=1'], Labels: { a: '1' } });
});

t.test('WORKDIR paths', async (t) => {
  t.equal(normalizeWorkdir(undefined, 'app'), '/app');
  t.equal(normalizeWorkdir('/app', 'src/../lib/'), '/app/lib');
  t.equal(normalizeWorkdir('/app', '/srv/./x'), '/srv/x');
});

t.test('ports and signals', async (t) => {
  t.throws(() => exposedPorts(['80/xyz']), /invalid proto: xyz/);
  t.throws(() => exposedPorts(['8080:80']), /invalid containerPort: 8080:80/);
  t.doesNotThrow(() => checkStopSignal('9'));
  t.doesNotThrow(() => checkStopSignal('RTMIN+3'));
  t.throws(() => checkStopSignal('65'), /Invalid signal: 65/);
});

t.test('RUN argv: shell form, exec form, heredoc script, heredoc in a command', async (t) => {
  const sh = ['/bin/sh', '-c'];
  t.same(runArgv(command('RUN echo hi') as never, sh), ['/bin/sh', '-c', 'echo hi']);
  t.same(runArgv(command('RUN ["echo", "hi"]') as never, sh), ['echo', 'hi']);
  t.same(runArgv(command('RUN <<EOF\necho a\necho b\nEOF\n') as never, sh), ['/bin/sh', '-c', 'echo a\necho b\n']);
  t.same(runArgv(command('RUN cat <<EOF > /x\nhello\nEOF\n') as never, sh), ['/bin/sh', '-c', 'cat <<EOF > /x\nhello\nEOF']);
});

t.test('RUN --mount values', async (t) => {
  t.same(parseRunMount('type=cache,target=/root/.cache'), { type: 'cache', target: '/root/.cache', source: '', from: '', readOnly: false, id: '/root/.cache' });
  t.same(parseRunMount('target=/src,source=app,from=build,rw'), { type: 'bind', target: '/src', source: 'app', from: 'build', readOnly: false, id: '/src' });
  t.equal(parseRunMount('type=bind,dst=/x').readOnly, true, 'binds are read-only by default');
  t.same(parseRunMount('type=cache,id=go,target=/go,mode=0700,uid=1000').mode, 0o700);
  t.throws(() => parseRunMount('type=secret,target=/s'), /mount type secret is not supported/);
  t.throws(() => parseRunMount('type=cache'), /mount destination \(target\) is required/);
  t.throws(() => parseRunMount('type=cache,target=/x,color=red'), /unexpected key 'color'/);
});
