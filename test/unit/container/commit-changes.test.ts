import t from 'tap';
import { applyChanges, shellWords } from '../../../src/container/commit-changes.js';

t.test('CMD and ENTRYPOINT: exec form or shell form', async (t) => {
  t.same(applyChanges({}, ['CMD ["a", "b c"]']).Cmd, ['a', 'b c']);
  t.same(applyChanges({}, ['CMD echo $HOME']).Cmd, ['/bin/sh', '-c', 'echo $HOME']);
  t.same(applyChanges({}, ['entrypoint ["/init"]']).Entrypoint, ['/init']);
});

t.test('ENV, LABEL, EXPOSE, VOLUME, WORKDIR, USER, STOPSIGNAL', async (t) => {
  const c = applyChanges({ Env: ['A=old', 'PATH=/bin'] }, [
    'ENV A=new B="two words"', 'ENV C legacy form', 'LABEL version=1 "my key"=v', 'EXPOSE 80 53/udp',
    'VOLUME ["/data"]', 'VOLUME /logs /cache', 'WORKDIR /srv', 'USER nobody', 'STOPSIGNAL SIGINT',
  ]);
  t.same(c.Env, ['PATH=/bin', 'A=new', 'B=two words', 'C=legacy form']);
  t.same(c.Labels, { version: '1', 'my key': 'v' });
  t.same(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  t.same(c.Volumes, { '/data': {}, '/logs': {}, '/cache': {} });
  t.equal(c.WorkingDir, '/srv');
  t.equal(c.User, 'nobody');
  t.equal(c.StopSignal, 'SIGINT');
});

t.test('what commit refuses; the base is not changed', async (t) => {
  t.throws(() => applyChanges({}, ['RUN make']), /RUN is not a valid change command/);
  t.throws(() => applyChanges({}, ['FROB x']), /unknown instruction: FROB/);
  t.throws(() => applyChanges({}, ['ENV =x']), /names can not be blank/);
  const base = { Env: ['A=1'] };
  applyChanges(base, ['ENV A=2']);
  t.same(base, { Env: ['A=1'] });
  t.same(shellWords(`a "b c" 'd e' f\\ g`), ['a', 'b c', 'd e', 'f g']);
  t.throws(() => shellWords('"open'), /matching "/);
});
