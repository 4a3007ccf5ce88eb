import t from 'tap';
import { format, renderTemplate } from '../../../src/core/go-template.js';

const data = {
  State: { Pid: 42, Running: true, Status: 'running' },
  Config: { Env: ['A=1', 'B=2'], Labels: { app: 'web' }, Cmd: ['sh', '-c', 'x'] },
  Mounts: [{ Source: '/s1', Destination: '/d1' }, { Source: '/s2', Destination: '/d2' }],
  Empty: [],
};

t.test('field paths, json, index, upper/lower', async (t) => {
  t.equal(renderTemplate('{{.State.Pid}}', data), '42');
  t.equal(renderTemplate('pid={{ .State.Pid }} running={{.State.Running}}', data), 'pid=42 running=true');
  t.equal(renderTemplate('{{json .Config.Cmd}}', data), '["sh","-c","x"]');
  t.equal(renderTemplate('{{json .State}}', data), '{"Pid":42,"Running":true,"Status":"running"}');
  t.equal(renderTemplate('{{index .Config.Labels "app"}}|{{index .Config.Labels "none"}}', data), 'web|');
  t.equal(renderTemplate('{{upper .State.Status}}', data), 'RUNNING');
  t.equal(renderTemplate('{{.Nope}}', data), '<no value>');
  t.equal(renderTemplate('{{.ID}}\\t{{.Size}}', { ID: 'a', Size: 3 }), 'a\t3');
});

t.test('Go fmt of maps and lists', async (t) => {
  t.equal(format(['a', 'b']), '[a b]');
  t.equal(format({ b: 1, a: 'x' }), 'map[a:x b:1]');
  t.equal(format(null), '<nil>');
  t.equal(renderTemplate('{{.Config.Env}}', data), '[A=1 B=2]');
});

t.test('range and if', async (t) => {
  t.equal(renderTemplate('{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}', data), '/s1:/d1 /s2:/d2 ');
  t.equal(renderTemplate('{{if .State.Running}}up{{else}}down{{end}}', data), 'up');
  t.equal(renderTemplate('{{if .Empty}}some{{else}}none{{end}}', data), 'none');
  t.throws(() => renderTemplate('{{range .Mounts}}x', data), /unexpected EOF/);
  t.throws(() => renderTemplate('{{end}}', data), /unexpected \{\{end\}\}/);
  t.throws(() => renderTemplate('{{bogus .X}}', data), /function "bogus" not defined/);
});
