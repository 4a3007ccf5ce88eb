import t from 'tap';
import { TsrunError, isTsrunError, isErrno } from '../../../src/core/errors.js';

t.test('TsrunError carries its code and cause', async (t) => {
  const cause = Object.assign(new Error('x'), { code: 'ENOENT' });
  const err = new TsrunError('NOT_FOUND', 'no such image: foo', { cause });
  t.equal(err.code, 'NOT_FOUND');
  t.equal(err.message, 'no such image: foo');
  t.equal(err.cause, cause);
  t.ok(isTsrunError(err, 'NOT_FOUND'));
  t.notOk(isTsrunError(err, 'CONFLICT'));
  t.ok(isErrno(cause, 'ENOENT'));
  t.notOk(isErrno(new Error('y'), 'ENOENT'));
});
