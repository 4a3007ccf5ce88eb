import t from 'tap';
import {
  ShellLex,
  expandWord,
  expandWordWithMatches,
  expandWords,
  ShellExpansionError,
} from '../../../src/build/expand.js';

// In the style of buildkit's shell/envVarTest: `source | expected`,
// "error" meaning the word must be rejected.
const ENV = ['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=', 'FILE=archive.tar.gz', 'DIRS=/usr/local/bin'];

const WORD_CASES = `
hello                      | hello
he'll'o                    | hello
he'llo                     | error
he\\'llo                   | he'llo
he\\\\'llo                 | error
abc\\tdef                  | abctdef
"abc\\tdef"                | abc\\tdef
"abc\\\\tdef"              | abc\\tdef
'abc\\tdef'                | abc\\tdef
hello\\                    | hello
hello\\\\                  | hello\\
"hello                     | error
"hello\\"                  | error
"hel'lo"                   | hel'lo
'hello                     | error
'hello\\'                  | hello\\
'hello\\there'             | hello\\there
"''"                       | ''
$.                         | $.
$                          | $
he$1x                      | hex
he$.x                      | he$.x
he$pwd.                    | he.
he$PWD                     | he/home
he\\$PWD                   | he$PWD
he\\\\$PWD                 | he\\/home
"he\\$PWD"                 | he$PWD
"he\\\\$PWD"               | he\\/home
\\\${}                     | \${}
he\\\${}xx                 | he\${}xx
\${}                       | error
he\${}xx                   | error
he\${hi}xx                 | hexx
he\${PWD}                  | he/home
he\${.}                    | error
he\${{PWD}}                | error
he\${:-x}                  | error
he\${PWD                   | error
he\${XXX:-000}xx           | he000xx
he\${PWD:-000}xx           | he/homexx
he\${XXX:-$PWD}xx          | he/homexx
he\${XXX:-\${PWD:-yyy}}xx  | he/homexx
he\${XXX:-\${YYY:-yyy}}xx  | heyyyxx
he\${NULL:-000}xx          | he000xx
he\${NULL-000}xx           | hexx
he\${XXX-000}xx            | he000xx
he\${XXX:YYY}              | error
he\${PWD:=000}xx           | error
he\${XXX?}                 | error
he\${XXX:?}                | error
he\${XXX:?must be set}     | error
he\${PWD?}                 | he/home
he\${PWD:?}                | he/home
he\${NULL?}                | he
he\${NULL:?}               | error
he\${XXX:+\${PWD}}xx       | hexx
he\${PWD:+\${XXX}}xx       | hexx
he\${PWD:+\${SHELL}}xx     | hebashxx
he\${XXX:+000}xx           | hexx
he\${PWD:+000}xx           | he000xx
he\${NULL:+000}xx          | hexx
he\${NULL+000}xx           | he000xx
'he\${XX}'                 | he\${XX}
"he\${PWD}"                | he/home
"he'$PWD'"                 | he'/home'
"$PWD"                     | /home
'$PWD'                     | $PWD
'\\$PWD'                   | \\$PWD
'"hello"'                  | "hello"
he\${PWD:+\${PWD}:}xx      | he/home:xx
he\${XXX:-\\$PWD:}xx       | he$PWD:xx
he\${XXX:-\\\${PWD}z}xx    | he\${PWDz}xx
안녕하세요                  | 안녕하세요
안'녕'하세요                | 안녕하세요
안'녕하세요                 | error
안녕\\'하세요               | 안녕'하세요
"안녕\\t하세요"             | 안녕\\t하세요
안녕$KOREAN                 | 안녕한국어
안녕\${KOREAN}              | 안녕한국어
$KOREAN안녕                 | 
\${KOREAN}안녕              | 한국어안녕
\${FILE%.*}                 | archive.tar
\${FILE%%.*}                | archive
\${FILE#*.}                 | tar.gz
\${FILE##*.}                | gz
\${FILE#a*}                 | rchive.tar.gz
\${FILE##a*}                | 
\${FILE%.t*}                | archive
\${FILE%x}                  | archive.tar.gz
\${XXX#*}                   | 
\${FILE/tar/zip}            | archive.zip.gz
\${FILE//a/A}               | Archive.tAr.gz
\${FILE/x/y}                | archive.tar.gz
\${DIRS//\\//:}             | :usr:local:bin
\${DIRS/\\/usr/}            | /local/bin
\${FILE/?rch/X}             | Xive.tar.gz
\${FILE:#a}                 | error
\${FILE:%a}                 | error
\${FILE/a                   | error
\${FILE%\\x}                | error
$(echo hi)                  | $(echo hi)
\`echo hi\`                 | \`echo hi\`
`;

function table(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const i = l.lastIndexOf('|');
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    });
}

t.test('shell lexer word expansion (envVarTest style)', async (t) => {
  const cases = table(WORD_CASES);
  t.ok(cases.length >= 100, `${cases.length} cases`);
  for (const [source, expected] of cases) {
    if (expected === 'error') {
      t.throws(() => expandWord(source, ENV), ShellExpansionError, source);
    } else {
      t.equal(expandWord(source, ENV), expected, source);
    }
  }
});

t.test('error messages are buildkit\'s', async (t) => {
  const msg = (w: string) => {
    try {
      expandWord(w, ENV);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  t.equal(msg('${'), `failed to process "\${": syntax error: missing '}'`);
  t.equal(msg('${}'), `failed to process "\${}": syntax error: bad substitution`);
  t.equal(msg("a'b"), `failed to process "a'b": unexpected end of statement while looking for matching single-quote`);
  t.equal(msg('"ab'), `failed to process "\\"ab": unexpected end of statement while looking for matching double-quote`);
  t.equal(msg('${X:?}'), `failed to process "\${X:?}": X: is not allowed to be unset`);
  t.equal(msg('${NULL:?}'), `failed to process "\${NULL:?}": NULL: is not allowed to be empty`);
  t.equal(msg('${X?oops}'), `failed to process "\${X?oops}": X: oops`);
  t.equal(msg('${X:=1}'), `failed to process "\${X:=1}": unsupported modifier (:=) in substitution`);
  t.equal(msg('${FILE%\\x}'), `failed to process "\${FILE%\\\\x}": invalid pattern (\\x) in substitution: invalid escape '\\x'`);
});

t.test('backtick escape token', async (t) => {
  t.equal(expandWord('he`$PWD', ENV, '`'), 'he$PWD');
  t.equal(expandWord('C:\\dir`\\x', ENV, '`'), 'C:\\dir\\x');
  t.equal(expandWord('"a`"b"', ENV, '`'), 'a"b');
  t.equal(expandWord('"a\\"', ENV, '`'), 'a\\');
});

const WORDS_CASES: Array<[string, string[]]> = [
  ['hello world', ['hello', 'world']],
  ['  hello   world  ', ['hello', 'world']],
  ["hello  'world  x'", ['hello', 'world  x']],
  ['"a b" c', ['a b', 'c']],
  ['a\\ b', ['a b']],
  ['$PWD x', ['/home', 'x']],
  ['$SPACED', ['a', 'b']],
  ['"$SPACED"', ['a b']],
  ['x${SPACED}y', ['xa', 'by']],
  ['${XXX:-8080/tcp} 443', ['8080/tcp', '443']],
  ['', []],
  ["''", []],
  ['a\tb\nc', ['a', 'b', 'c']],
];

t.test('word splitting after expansion (wordsTest style)', async (t) => {
  const env = new Map([
    ['PWD', '/home'],
    ['SPACED', 'a b'],
  ]);
  for (const [source, expected] of WORDS_CASES) t.same(expandWords(source, env), expected, source);
});

t.test('environment inputs', async (t) => {
  t.equal(expandWord('$A', { A: 'obj' }), 'obj');
  t.equal(expandWord('$A', new Map([['A', 'map']])), 'map');
  t.equal(expandWord('$A', ['A=first', 'A=last']), 'last', 'later K=V wins');
  t.equal(expandWord('${A-unset}', ['A']), '', 'K alone is set and empty');
  t.equal(expandWord('$toString', {}), '', 'no prototype lookups');
  t.equal(expandWord('$A', { get: (k: string) => (k === 'A' ? 'getter' : undefined) }), 'getter');
});

t.test('used variables are reported for the build cache', async (t) => {
  const r = expandWordWithMatches('$PWD ${XXX:-1} ${NULL}', ENV);
  t.equal(r.result, '/home 1 ');
  t.same([...r.matched].sort(), ['NULL', 'PWD']);
  t.same([...r.unmatched], ['XXX']);
});

t.test('lexer options used for heredocs', async (t) => {
  const raw = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
  t.equal(raw.processWord(`'a'"b"\\c $X \${Y:-z}`, ENV), `'a'"b"\\c $X \${Y:-z}`);
  t.equal(raw.processWord('$PWD', ENV), '/home');
  const body = new ShellLex('\\', { skipProcessQuotes: true });
  t.equal(body.processWord(`echo '$PWD' "x"`, ENV), `echo '/home' "x"`);
});
