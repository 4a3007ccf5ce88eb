import t from 'tap';
import { resolveUser } from '../../../src/container/user.js';

const passwd = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n';
const group = 'root:x:0:\napp:x:1000:\nstaff:x:50:app,other\nwheel:x:10:app\n';

t.test('users by name, uid, with groups', async (t) => {
  t.same(resolveUser('', passwd, group), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
  t.same(resolveUser('app', passwd, group), { uid: 1000, gid: 1000, additionalGids: [50, 10], home: '/home/app' });
  t.same(resolveUser('1000', passwd, group).additionalGids, [50, 10]);
  t.same(resolveUser('4242', passwd, group), { uid: 4242, gid: 0, additionalGids: [], home: '/' }, 'an unknown uid is fine');
  t.same(resolveUser('app:staff', passwd, group), { uid: 1000, gid: 50, additionalGids: [], home: '/home/app' });
  t.same(resolveUser('7:8', undefined, undefined), { uid: 7, gid: 8, additionalGids: [], home: '/' }, 'works without passwd');
  t.throws(() => resolveUser('ghost', passwd, group), /unable to find user ghost: no matching entries in passwd file/);
  t.throws(() => resolveUser('app:nogroup', passwd, group), /unable to find group nogroup/);
});
