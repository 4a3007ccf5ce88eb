import t from 'tap';
import * as tsrun from '../../src/index.js';

t.test('the package entry exports the parsers for library users', async (t) => {
  t.equal(tsrun.normalizeReference('ubuntu'), 'docker.io/library/ubuntu:latest');
  t.same(tsrun.parseReference('localhost:5000/a/b:tag'), { domain: 'localhost:5000', path: 'a/b', tag: 'tag' });
  t.same(tsrun.parseReference('jamtur01/puppet'), { domain: 'docker.io', path: 'jamtur01/puppet' });
  t.equal(tsrun.parseDockerfile('FROM busybox\nRUN echo hi\n').instructions[1].keyword, 'run');
  const m = tsrun.createIgnoreMatcher(['*.md', '!README.md']);
  t.ok(m.matches('notes.md'));
  t.notOk(m.matches('README.md'));
});
